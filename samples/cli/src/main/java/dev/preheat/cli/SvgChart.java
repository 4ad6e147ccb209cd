package dev.preheat.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * A small line chart rendered as inline SVG: no scripts, no external resources, so a report page
 * stays self-contained. Not thread-safe; build, then {@link #render()} once.
 */
final class SvgChart {

  private static final int WIDTH = 720;
  private static final int HEIGHT = 340;
  private static final int LEFT = 70;
  private static final int RIGHT = 200;
  private static final int TOP = 30;
  private static final int BOTTOM = 50;

  /** One line of the chart; NaN values leave a gap. */
  record Series(String name, String color, boolean dashed, double[] y) {}

  private final String title;
  private final String xTitle;
  private final String yTitle;
  private final double[] x;
  private final boolean logX;
  private final DoubleFunction<String> xFormat;
  private final DoubleFunction<String> yFormat;
  private final List<Series> series = new ArrayList<>();
  private double floor = Double.NEGATIVE_INFINITY;
  private double ceiling = Double.POSITIVE_INFINITY;
  private @Nullable Double marker;
  private String markerLabel = "";

  SvgChart(String title, String xTitle, String yTitle, double[] x, boolean logX,
      DoubleFunction<String> xFormat, DoubleFunction<String> yFormat) {
    this.title = title;
    this.xTitle = xTitle;
    this.yTitle = yTitle;
    this.x = x;
    this.logX = logX;
    this.xFormat = xFormat;
    this.yFormat = yFormat;
  }

  SvgChart add(String name, String color, boolean dashed, double[] y) {
    series.add(new Series(name, color, dashed, y));
    return this;
  }

  /** Keeps the y axis within these bounds (e.g. 0 and 1 for ratios) however it is padded. */
  SvgChart bounds(double min, double max) {
    floor = min;
    ceiling = max;
    return this;
  }

  /** A vertical marker at {@code xValue}, labelled. */
  SvgChart marker(double xValue, String label) {
    marker = xValue;
    markerLabel = label;
    return this;
  }

  String render() {
    double lo = Double.NaN;
    double hi = Double.NaN;
    for (Series s : series) {
      for (double v : s.y()) {
        if (!Double.isNaN(v)) {
          lo = Double.isNaN(lo) ? v : Math.min(lo, v);
          hi = Double.isNaN(hi) ? v : Math.max(hi, v);
        }
      }
    }
    if (Double.isNaN(lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-12) {
      hi = lo + (lo == 0 ? 1 : Math.abs(lo) * 0.1);
    }
    double step = niceStep((hi - lo) / 5);
    lo = Math.max(floor, Math.floor(lo / step) * step);
    hi = Math.min(ceiling, Math.ceil(hi / step) * step);
    if (hi - lo < step) {
      hi = lo + step;
    }
    double xlo = tx(x[0]);
    double xhi = tx(x[x.length - 1]);
    if (xhi - xlo < 1e-12) {
      xlo -= 1;
      xhi += 1;
    }
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    final double fxlo = xlo;
    final double fxhi = xhi;
    final double flo = lo;
    final double fhi = hi;
    java.util.function.DoubleUnaryOperator px = v -> LEFT + (tx(v) - fxlo) / (fxhi - fxlo) * plotW;
    java.util.function.DoubleUnaryOperator py = v -> TOP + plotH - (v - flo) / (fhi - flo) * plotH;

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
            + " role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\" font-size=\"11\">%n",
        WIDTH, HEIGHT, WIDTH, HEIGHT, SimulateReport.escape(title)));
    sb.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", LEFT,
        SimulateReport.escape(title)));
    // Grid and y ticks.
    for (double t = lo; t <= hi + step / 1000; t += step) {
      double v = Math.abs(t) < step / 1e6 ? 0 : t; // no 1e-17 from accumulated steps
      double y = py.applyAsDouble(v);
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
              + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT, y, LEFT + plotW, y, LEFT - 6, y + 4, SimulateReport.escape(yFormat.apply(v))));
    }
    if (lo < 0 && hi > 0) {
      double y0 = py.applyAsDouble(0);
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\"/>%n",
          LEFT, y0, LEFT + plotW, y0));
    }
    // X ticks at the data points.
    for (double v : x) {
      double xx = px.applyAsDouble(v);
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>"
              + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          xx, TOP + plotH, xx, TOP + plotH + 4, xx, TOP + plotH + 16,
          SimulateReport.escape(xFormat.apply(v))));
    }
    sb.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
        LEFT, TOP, plotW, plotH));
    sb.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + plotW / 2,
        HEIGHT - 12, SimulateReport.escape(xTitle)));
    sb.append(String.format(Locale.ROOT,
        "<text transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
        TOP + plotH / 2, SimulateReport.escape(yTitle)));
    if (marker != null) {
      double mx = px.applyAsDouble(marker);
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#2a7\" stroke-dasharray=\"2 3\"/>"
              + "<text x=\"%.1f\" y=\"%d\" fill=\"#2a7\">%s</text>%n",
          mx, TOP, mx, TOP + plotH, mx + 4, TOP + 12, SimulateReport.escape(markerLabel)));
    }
    int legendY = TOP + 10;
    for (Series s : series) {
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < x.length && i < s.y().length; i++) {
        double v = s.y()[i];
        if (Double.isNaN(v)) {
          pen = false;
          continue;
        }
        path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f",
            px.applyAsDouble(x[i]), py.applyAsDouble(v)));
        pen = true;
      }
      sb.append(String.format(Locale.ROOT,
          "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
          path.toString().trim(), s.color(), s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
      if (x.length <= 40) {
        for (int i = 0; i < x.length && i < s.y().length; i++) {
          if (!Double.isNaN(s.y()[i])) {
            sb.append(String.format(Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %s at %s</title>"
                    + "</circle>%n",
                px.applyAsDouble(x[i]), py.applyAsDouble(s.y()[i]), s.color(),
                SimulateReport.escape(s.name()), SimulateReport.escape(yFormat.apply(s.y()[i])),
                SimulateReport.escape(xFormat.apply(x[i]))));
          }
        }
      }
      int lx = WIDTH - RIGHT + 12;
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>"
              + "<text x=\"%d\" y=\"%d\">%s</text>%n",
          lx, legendY, lx + 22, legendY, s.color(),
          s.dashed() ? " stroke-dasharray=\"6 4\"" : "", lx + 28, legendY + 4,
          SimulateReport.escape(s.name())));
      legendY += 18;
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
  private static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / magnitude;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
  }

  private double tx(double v) {
    return logX ? Math.log10(Math.max(v, 1e-9)) : v;
  }
}
