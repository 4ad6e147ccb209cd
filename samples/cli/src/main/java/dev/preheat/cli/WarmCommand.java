package dev.preheat.cli;

import dev.preheat.cli.Main.UsageError;
import dev.preheat.hotset.HotsetEntry;
import dev.preheat.http.HttpClientKind;
import dev.preheat.http.HttpTransport;
import dev.preheat.http.HttpTransportBuilder;
import dev.preheat.report.AuditLog;
import dev.preheat.report.ReportWriter;
import dev.preheat.report.StageReport;
import dev.preheat.report.WarmReport;
import dev.preheat.source.SourceProblem;
import dev.preheat.source.UrlListReader;
import dev.preheat.source.UrlListResult;
import dev.preheat.spi.BudgetLedger;
import dev.preheat.spi.CheckpointStore;
import dev.preheat.spi.ValidatorStore;
import dev.preheat.warm.BreakerSettings;
import dev.preheat.warm.Stages;
import dev.preheat.warm.VerifySettings;
import dev.preheat.warm.WarmPlan;
import dev.preheat.warm.WarmRun;
import dev.preheat.warm.WarmVariant;
import dev.preheat.warm.Warmer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code preheat warm}: warms a cache with a URL list or the hotset mined from access logs,
 * safely (rate, concurrency, budgets, deadline), conditionally (validators persisted across runs)
 * and resumably (checkpoints), then reports every target's outcome.
 */
@Command(
    name = "warm",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Warms a cache with a URL list (--urls) or the hotset of access logs (--log + hotset "
          + "options), against --base-url, and reports every target's outcome.",
      "Variants: values of the same header are alternatives, different headers multiply "
          + "(--variant 'Accept-Encoding: br' --variant 'Accept-Encoding: gzip' --variant "
          + "'Accept-Language: de' = 2 variants). Default: two variants, the Accept-Encoding of "
          + "Chrome/Edge/Firefox (gzip, deflate, br, zstd) and of Safari (gzip, deflate, br).",
      "Stages: --stage shield=URL;connect-to=HOST:PORT --stage edge=URL --gate hit>=0.9,errors<=0.01"
          + " warms the shield first, checks its gate, then the edge.",
      "Exit codes: 0 done; 2 bad usage or unreadable input; 3 SLO missed, verification hit "
          + "ratio below --min-hit-ratio, or a stage's gate failed; 4 aborted (deadline, request or byte budget; the "
          + "report's stopReason says which); 1 internal error."
    })
final class WarmCommand implements Callable<Integer> {

  /** Default for {@code --min-hit-ratio}: the verification hit ratio below which exit code 3. */
  static final double DEFAULT_MIN_HIT_RATIO = 0.9;

  /** Default for {@code --verify-sample}: verification is opt-in. */
  static final double DEFAULT_VERIFY_SAMPLE = 0;

  /** Provenance of entries read from standard input. */
  static final String STDIN = "stdin";

  @Spec CommandSpec spec;

  @ParentCommand Main main;

  @Option(names = "--urls", paramLabel = "FILE|-",
      description = "URL list to warm: one absolute URL or /path per line, # comments, .gz ok; "
          + "- reads standard input. Listed order is warm order.")
  @Nullable String urls;

  @Mixin HotsetOptions hotset;

  @Option(names = "--base-url", required = true, paramLabel = "URL",
      description = "The site to warm, e.g. https://www.example.com; paths are resolved against "
          + "it.")
  String baseUrl;

  @Option(names = "--connect-to", paramLabel = "HOST:PORT",
      description = "Connect to this address for the base URL's host (e.g. one CDN PoP or "
          + "shield); URL, Host and TLS SNI keep the hostname.")
  @Nullable String connectTo;

  @Option(names = "--variant", paramLabel = "'Header: value'",
      description = "Request header variant; repeatable (same header = alternatives, different "
          + "headers multiply).")
  List<String> variants = new ArrayList<>();

  @Option(names = "--rate", paramLabel = "N/s|N/m|unlimited",
      description = "Global request rate cap, retries and verification included (default 50/s).")
  @Nullable String rate;

  @Option(names = "--concurrency", paramLabel = "N",
      description = "Most requests in flight at once (default " + Warmer.DEFAULT_CONCURRENCY
          + ").")
  @Nullable Integer concurrency;

  @Option(names = "--http-client", paramLabel = "apache|okhttp",
      description = "HTTP client the requests go through: apache (Apache HttpClient 5 async, one"
          + " I/O thread, the least CPU per URL) or okhttp (default ${DEFAULT-VALUE}).")
  String httpClient = HttpClientKind.DEFAULT.name().toLowerCase(java.util.Locale.ROOT);

  @Option(names = "--max-requests", paramLabel = "N",
      description = "Request budget (retries included); the rest is skipped, exit 4.")
  @Nullable Long maxRequests;

  @Option(names = "--max-bytes", paramLabel = "SIZE",
      description = "Body byte budget, e.g. 2g; no request starts that could exceed it, exit 4.")
  @Nullable String maxBytes;

  @Option(names = "--deadline", paramLabel = "DURATION",
      description = "Stop starting requests after DURATION (e.g. 15m); exit 4.")
  @Nullable String deadline;

  @Option(names = "--breaker-give-up-after", paramLabel = "N",
      description = "Give a host up when its breaker opened N times in a row (default "
          + BreakerSettings.DEFAULT_GIVE_UP_AFTER + ": about a minute for a dead origin; 0 keeps"
          + " probing every 30 s until --deadline): its remaining targets fail with 'breaker"
          + " open'.")
  @Nullable Integer breakerGiveUpAfter;

  @Option(names = "--validators", paramLabel = "FILE",
      description = "Validator store (JSON) kept across runs: later runs send If-None-Match / "
          + "If-Modified-Since, and URLs found no-store/private are dropped.")
  @Nullable Path validators;

  @Option(names = "--checkpoint", paramLabel = "FILE|none",
      description = "Checkpoint file (JSON lines): a restarted run of the same plan skips "
          + "finished targets; a completed run clears its records. Default "
          + "~/.preheat/checkpoints.jsonl (or the preheat.state.dir system property); none "
          + "turns checkpoints off.")
  @Nullable String checkpointOption;

  /** The checkpoint file in effect, null when turned off; set by {@link #validate}. */
  private @Nullable Path checkpoint;

  /** Where state lives by default: {@code preheat.state.dir}, else {@code ~/.preheat}. */
  static Path stateDir() {
    String dir = System.getProperty("preheat.state.dir");
    return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".preheat");
  }

  @Option(names = "--verify-sample", paramLabel = "SHARE",
      description = "Re-request this share (0..1) of warmed targets like a browser and read the "
          + "cache status (default 0: off).")
  @Nullable Double verifySample;

  @Option(names = "--min-hit-ratio", paramLabel = "SHARE",
      description = "With verification: exit 3 when fewer than SHARE of the sampled targets are "
          + "cache hits (default " + DEFAULT_MIN_HIT_RATIO + ").")
  @Nullable Double minHitRatio;

  @Option(names = "--report", paramLabel = "text|json", defaultValue = "text",
      description = "Report format: text, or json (schema docs/schema/warm-report.schema.json).")
  String report;

  @Option(names = "--report-file", paramLabel = "FILE",
      description = "Write the report to FILE instead of standard output.")
  @Nullable Path reportFile;

  @Option(names = "--user-agent", paramLabel = "UA",
      description = "User-Agent of warm requests (default contains a Preheat/<version> token).")
  @Nullable String userAgent;

  @Option(names = "--stage", paramLabel = "NAME=URL[;k=v]",
      description = "A stage, in run order (repeatable): NAME=URL[;connect-to=HOST:PORT][;rate=R]"
          + "[;concurrency=C][;canary=SHARE][;region=NAME][;requests-per-day=N]"
          + "[;bytes-per-day=SIZE][;gate=SPEC][;variant=HEADER: VALUE]... An empty URL keeps"
          + " --base-url (and --connect-to); variant= replaces --variant for that stage."
          + " Each stage starts only after the previous one finished and passed its gate.")
  List<String> stages = new ArrayList<>();

  @Option(names = "--gate", paramLabel = "SPEC",
      description = "Gate after every stage without its own gate=: e.g. hit>=0.9,errors<=0.01"
          + "[,uplift>=0.5] (verification HIT ratio, failed share, canary uplift). A failed gate"
          + " stops the run: exit 3 naming the stage.")
  @Nullable String gate;

  @Option(names = "--gate-retry", paramLabel = "DELAY:ATTEMPTS",
      description = "On a failed gate, pause DELAY and run the stage again, at most ATTEMPTS"
          + " times (e.g. 30s:3), instead of stopping at once.")
  @Nullable String gateRetry;

  @Option(names = "--budget-pause-at", paramLabel = "SHARE",
      description = "Share of a stage's requests-per-day/bytes-per-day at which its region"
          + " pauses (default " + dev.preheat.warm.RegionBudget.DEFAULT_PAUSE_AT + ").")
  @Nullable Double budgetPauseAt;

  @Option(names = "--budget-file", paramLabel = "FILE",
      description = "Where each region's usage of the day is kept, so the next run the same day"
          + " sees it (default ~/.preheat/budgets.json).")
  @Nullable Path budgetFile;

  @Option(names = "--cohort-cookie", paramLabel = "NAME=VALUE",
      description = "Warm every variant also with this signed cohort cookie (repeatable: one"
          + " set of variants per value); no other cookie is ever sent.")
  List<String> cohortCookies = new ArrayList<>();

  @Option(names = "--audit-log", paramLabel = "FILE",
      description = "Append a JSON line per warm request that carried a cohort cookie: time, URL"
          + " with query values hashed, cohort, outcome (never the cookie value).")
  @Nullable Path auditLog;

  @Option(names = "--slo", paramLabel = "SHARE/DURATION",
      description = "SLO: SHARE of the targets warm within DURATION (default 0.95/15m); missed "
          + "= exit 3.")
  @Nullable String slo;

  private final Clock clock;

  WarmCommand() {
    this(Clock.systemUTC());
  }

  WarmCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI base = parseBase(baseUrl);
    Settings settings = validate(base);
    WarmPlan plan = plan(base, settings.variants(), err);

    ValidatorStore validatorStore = null;
    CheckpointStore checkpointStore = null;
    HttpTransport transport = null;
    BudgetLedger ledger = null;
    AuditLog audit = null;
    try {
      Stages stageList = settings.stages();
      if (stageList != null && stageList.stages().stream().anyMatch(st -> st.budget() != null)) {
        Path file = budgetFile != null ? budgetFile : stateDir().resolve("budgets.json");
        ledger = open(() -> BudgetLedger.file(file), "--budget-file");
        settings.warmer().budgetLedger(ledger);
      }
      if (auditLog != null) {
        byte[] key = AuditKey.load(stateDir().resolve("audit.key"));
        AuditLog.Builder ab = AuditLog.builder(auditLog).queryValueKey(key);
        settings.cohortCookieNames().forEach(ab::cohortCookie);
        audit = open(ab::build, "--audit-log");
        settings.warmer().queryValueKey(key);
      }
      validatorStore = validators == null ? null : open(() -> ValidatorStore.file(validators),
          "--validators");
      checkpointStore = checkpoint == null ? null : open(() -> CheckpointStore.file(checkpoint),
          "--checkpoint");
      HttpTransportBuilder<?> tb = settings.client().builder()
          .maxConcurrency(settings.concurrency());
      if (settings.pin() != null) {
        tb.connectTo(base.getHost(), settings.pin());
      }
      transport = tb.build();
      Warmer.Builder wb = settings.warmer().transport(transport);
      if (validatorStore != null) {
        wb.validators(validatorStore);
      }
      if (checkpointStore != null) {
        wb.checkpoints(checkpointStore);
      }
      // A staged run's progress line shows the current stage against its own total.
      WarmProgress progress = Terminal.stderrIsTerminal() ? new WarmProgress(err,
          plan.targetCount(), stageList == null ? 0 : stageList.stages().size()) : null;
      List<dev.preheat.spi.WarmListener> listeners = new ArrayList<>();
      if (progress != null) {
        listeners.add(progress);
      }
      if (audit != null) {
        listeners.add(audit);
      }
      if (!listeners.isEmpty()) {
        wb.listener(listeners.size() == 1 ? listeners.get(0)
            : dev.preheat.spi.WarmListener.composite(listeners));
      }
      WarmReport result;
      Warmer warmer = wb.build();
      WarmRun run = stageList == null ? warmer.start(plan)
          : warmer.start(plan, stageList,
              settings.client().factory(base, b -> b.maxConcurrency(settings.concurrency())));
      // Ctrl-C or a plain kill: cancel the run, so every target still gets its outcome, the
      // validators learned so far are saved and the report is printed before the JVM exits.
      // Finished targets are checkpointed as they finish either way, so a restart resumes.
      java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
      Thread onSignal = new Thread(() -> {
        run.cancel();
        try {
          reported.await(INTERRUPT_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "preheat-interrupt");
      Runtime.getRuntime().addShutdownHook(onSignal);
      try {
        try {
          result = run.await();
        } finally {
          if (progress != null) {
            progress.close();
          }
        }
        writeReport(result, out);
        return exitCode(result, settings.minHitRatio(), err);
      } finally {
        // Before the signal hook may let the JVM exit: checkpoints are buffered up to 50 ms.
        if (checkpointStore != null) {
          checkpointStore.close();
        }
        reported.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it returns now that the report is written
        }
      }
    } finally {
      if (transport != null) {
        transport.close();
      }
      if (validatorStore != null) {
        validatorStore.close();
      }
      if (checkpointStore != null) {
        checkpointStore.close();
      }
      if (ledger != null) {
        ledger.close();
      }
      if (audit != null) {
        audit.close();
      }
    }
  }

  /** How long an interrupted run may take to cancel and print its report before the JVM exits. */
  static final int INTERRUPT_GRACE_SECONDS = 10;

  /** Everything the options mean, validated before any input is read or request is sent. */
  private record Settings(Warmer.Builder warmer, List<WarmVariant> variants, int concurrency,
      @Nullable InetSocketAddress pin, double minHitRatio, @Nullable Stages stages,
      List<String> cohortCookieNames, HttpClientKind client) {}

  private Settings validate(URI base) {
    boolean hotsetInput = hotset.hasInput();
    if ((urls == null) == !hotsetInput) {
      throw new UsageError(urls == null
          ? "nothing to warm: give --urls FILE (or - for standard input), or --log FILE "
              + "(with hotset options)"
          : "give either --urls or --log/--sitemap/--list, not both");
    }
    if (!report.equals("text") && !report.equals("json")) {
      throw new UsageError("--report must be text or json but was '" + report + "'");
    }
    List<WarmVariant> variantList = VariantMatrix.of(variants);
    Warmer.Builder w = Warmer.builder();
    int maxConcurrency = concurrency == null ? Warmer.DEFAULT_CONCURRENCY : concurrency;
    option("--concurrency", () -> w.concurrency(maxConcurrency));
    if (rate != null) {
      double perSecond = option("--rate", () -> Units.rate(rate));
      if (Double.isInfinite(perSecond)) {
        w.noRateLimit();
      } else {
        w.rateLimit(perSecond);
      }
    }
    if (maxRequests != null) {
      option("--max-requests", () -> w.maxRequests(maxRequests));
    }
    if (maxBytes != null) {
      long limit = option("--max-bytes", () -> Units.bytes(maxBytes));
      w.maxBytes(limit);
    }
    if (deadline != null) {
      w.deadline(option("--deadline", () -> Units.duration(deadline)));
    }
    if (breakerGiveUpAfter != null) {
      int n = breakerGiveUpAfter;
      option("--breaker-give-up-after", () -> w.breaker(BreakerSettings.DEFAULTS.withGiveUpAfter(n)));
    }
    if (slo != null) {
      Units.Slo s = option("--slo", () -> Units.slo(slo));
      w.slo(s.share(), s.within());
    }
    if (userAgent != null) {
      option("--user-agent", () -> w.userAgent(userAgent));
    }
    double share = verifySample == null ? DEFAULT_VERIFY_SAMPLE : verifySample;
    if (!(share >= 0 && share <= 1)) {
      throw new UsageError("--verify-sample must be in 0..1 but was " + verifySample);
    }
    if (share > 0) {
      w.verify(VerifySettings.sample(share));
    }
    double hitRatio = minHitRatio == null ? DEFAULT_MIN_HIT_RATIO : minHitRatio;
    if (!(hitRatio >= 0 && hitRatio <= 1)) {
      throw new UsageError("--min-hit-ratio must be in 0..1 but was " + minHitRatio);
    }
    if (minHitRatio != null && share == 0) {
      throw new UsageError("--min-hit-ratio needs verification: add --verify-sample SHARE");
    }
    if (checkpointOption == null) {
      checkpoint = stateDir().resolve("checkpoints.jsonl");
      try {
        Files.createDirectories(checkpoint.getParent());
      } catch (java.io.IOException e) {
        throw new UsageError("cannot create " + checkpoint.getParent() + " for the default "
            + "checkpoint file (" + e.getMessage() + "): give --checkpoint FILE or none");
      }
    } else if (checkpointOption.equals("none")) {
      checkpoint = null;
    } else {
      checkpoint = Path.of(checkpointOption);
    }
    for (Path p : new Path[] {validators, checkpoint, reportFile, budgetFile, auditLog}) {
      if (p != null && p.toAbsolutePath().getParent() != null
          && !Files.isDirectory(p.toAbsolutePath().getParent())) {
        throw new UsageError("cannot write " + p + ": directory "
            + p.toAbsolutePath().getParent() + " does not exist");
      }
    }
    if (urls != null && !urls.equals("-")) {
      HotsetOptions.requireReadable(Path.of(urls), "URL list");
    }
    InetSocketAddress pin = connectTo == null ? null : parseConnectTo(connectTo);
    Stages stageList = StageOptions.parse(stages, gate, gateRetry, budgetPauseAt, base, pin,
        cohortCookies);
    List<String> cookieNames = new ArrayList<>();
    variantList = CohortVariants.multiply(variantList, cohortCookies, cookieNames);
    cookieNames.forEach(w::cohortCookie);
    if (auditLog != null && cookieNames.isEmpty()) {
      throw new UsageError("--audit-log records requests that carry a cohort cookie: add"
          + " --cohort-cookie NAME=VALUE");
    }
    HttpClientKind client;
    try {
      client = HttpClientKind.parse(httpClient);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--http-client must be apache or okhttp but was '" + httpClient + "'");
    }
    return new Settings(w, variantList, maxConcurrency, pin, hitRatio, stageList, cookieNames,
        client);
  }

  private static <T> T option(String option, java.util.function.Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageError(option + ": " + e.getMessage());
    }
  }

  private static <T> T open(java.util.function.Supplier<T> opener, String option) {
    try {
      return opener.get();
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new UsageError(option + ": " + e.getMessage());
    }
  }

  static URI parseBase(String text) {
    return parseBase(text, "--base-url");
  }

  static URI parseBase(String text, String option) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new UsageError(option + " '" + text + "' is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (uri.getHost() == null || scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new UsageError(option + " must be an absolute http(s) URL without query, such as "
          + "https://www.example.com, but was '" + text + "'");
    }
    return uri;
  }

  static InetSocketAddress parseConnectTo(String text) {
    return parseConnectTo(text, "--connect-to");
  }

  static InetSocketAddress parseConnectTo(String text, String option) {
    int colon = text.lastIndexOf(':');
    String host = colon <= 0 ? "" : text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || port < 1 || port > 65_535) {
      throw new UsageError(option + " must be HOST:PORT with a port in 1..65535, e.g. "
          + "10.0.0.7:443 or [::1]:8443, but was '" + text + "'");
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new UsageError(option + " '" + text + "': cannot resolve " + host);
    }
    return address;
  }

  /** Builds the plan from --urls or the hotset; bad entries are reported and skipped. */
  private WarmPlan plan(URI base, List<WarmVariant> variantList, PrintWriter err) {
    WarmPlan.Builder plan = WarmPlan.builder();
    variantList.forEach(plan::variant);
    String prefix = base.toString().endsWith("/")
        ? base.toString().substring(0, base.toString().length() - 1) : base.toString();
    int added = 0;
    List<String> rejected = new ArrayList<>();
    if (urls != null) {
      UrlListResult list = readList(urls);
      List<String> found = list.urls();
      String provenance = urls.equals("-") ? STDIN : "list:" + Path.of(urls).getFileName();
      for (int i = 0; i < found.size(); i++) {
        // Weights fall with the position so the list's own order is the warm order.
        if (add(plan, prefix, found.get(i), found.size() - i, provenance, 0, rejected)) {
          added++;
        }
      }
      reportProblems(list.problems(), list.problemCount(), err);
    } else {
      HotsetOptions.Mined mined = hotset.mine(baseUrl, clock, err);
      for (HotsetEntry e : mined.hotset().entries()) {
        long sizeHint = e.count() > 0 ? e.bytes() / e.count() : 0;
        // List-only entries have weight 0; rank keeps them in hotset order behind traffic.
        double weight = e.weight() > 0 ? e.weight() : 1.0 / (e.rank() + 1);
        if (add(plan, prefix, e.url(), weight, String.join("+", e.provenance()), sizeHint,
            rejected)) {
          added++;
        }
      }
      reportProblems(mined.problems(), mined.problemCount(), err);
    }
    for (String r : rejected.subList(0, Math.min(5, rejected.size()))) {
      err.println("preheat warm: skipped " + r);
    }
    if (rejected.size() > 5) {
      err.println("preheat warm: skipped " + (rejected.size() - 5) + " more invalid entries");
    }
    if (added == 0) {
      throw new UsageError("nothing to warm: " + (urls != null
          ? "the URL list " + (urls.equals("-") ? "on standard input" : urls)
              + " has no valid URL"
          : "the hotset is empty (check --format and the filters)"));
    }
    return plan.build();
  }

  private static boolean add(WarmPlan.Builder plan, String prefix, String url, double weight,
      String provenance, long sizeHint, List<String> rejected) {
    // Joined by concatenation, never URI.resolve: a target like //host/ must stay a path.
    String absolute = url.startsWith("/") ? prefix + url : url;
    try {
      new WarmPlan.Entry(new URI(absolute), weight, provenance, sizeHint);
    } catch (URISyntaxException | IllegalArgumentException e) {
      // Query values may hold tokens: even a rejected entry is shown with them hashed.
      String why = String.valueOf(e.getMessage()).replace(absolute, QueryValues.hashed(absolute))
          .replace(url, QueryValues.hashed(url));
      rejected.add("'" + QueryValues.hashed(url) + "' (" + provenance + "): " + why);
      return false;
    }
    plan.entry(absolute, weight, provenance, sizeHint);
    return true;
  }

  private UrlListResult readList(String source) {
    UrlListReader reader = UrlListReader.builder().build();
    if (source.equals("-")) {
      return reader.read(main.stdin(), STDIN);
    }
    try {
      return reader.read(Path.of(source));
    } catch (IOException e) {
      throw new UsageError("cannot read URL list " + source + ": " + e.getMessage());
    }
  }

  private static void reportProblems(List<SourceProblem> problems, long count, PrintWriter err) {
    for (SourceProblem p : problems.subList(0, Math.min(5, problems.size()))) {
      err.println("preheat warm: skipped " + QueryValues.hashedIn(p.toString()));
    }
    if (count > Math.min(5, problems.size())) {
      err.println("preheat warm: " + count + " input lines skipped in total");
    }
  }

  private void writeReport(WarmReport result, PrintWriter out) {
    ReportWriter writer = report.equals("json") ? ReportWriter.json() : ReportWriter.text();
    if (reportFile == null) {
      out.print(writer.write(result));
      if (report.equals("json")) {
        out.println();
      }
      out.flush();
      return;
    }
    try (Writer w = Files.newBufferedWriter(reportFile, StandardCharsets.UTF_8)) {
      writer.write(result, w);
    } catch (IOException e) {
      throw new UsageError("cannot write --report-file " + reportFile + ": " + e.getMessage());
    }
  }

  /**
   * 3 when a stage's gate failed, 4 when stopped early, 3 when the SLO or the verification
   * threshold was missed, else 0.
   */
  static int exitCode(WarmReport r, double minHitRatio, PrintWriter err) {
    java.util.Optional<StageReport> failed = r.failedGate();
    if (failed.isPresent()) {
      List<String> notRun = r.stages().stream()
          .filter(s -> s.status() == StageReport.Status.NOT_RUN).map(StageReport::name).toList();
      err.println("preheat warm: gate failed after stage '" + failed.get().name() + "': "
          + failed.get().detail() + (notRun.isEmpty() ? "" : "; stages not run: "
          + String.join(", ", notRun)) + ". Exit 3.");
      return Main.SLO_MISSED;
    }
    for (StageReport s : r.stages()) {
      if (s.status() == StageReport.Status.BUDGET_PAUSED) {
        err.println("preheat warm: stage '" + s.name() + "': " + s.detail() + "; the rest is"
            + " skipped. Exit 4.");
        return Main.ABORTED;
      }
    }
    if (r.stopReason() != null) {
      err.println("preheat warm: aborted (" + r.stopReason() + "); the report lists what was "
          + "skipped. Exit 4.");
      return Main.ABORTED;
    }
    List<String> missed = new ArrayList<>();
    if (!r.slo().met()) {
      missed.add(String.format(Locale.ROOT, "SLO missed: %.1f%% warm within %s, target %.1f%%",
          r.slo().achievedShare() * 100, r.slo().within(), r.slo().targetShare() * 100));
    }
    WarmReport.Verification v = r.verification();
    if (v != null && v.hitRatio() < minHitRatio) {
      missed.add(String.format(Locale.ROOT,
          "verification: %.1f%% of %d sampled targets were cache hits, below --min-hit-ratio "
              + "%.1f%% (warmed keys still missing: a cache-key mismatch?)",
          v.hitRatio() * 100, v.sampled(), minHitRatio * 100));
    }
    if (!missed.isEmpty()) {
      err.println("preheat warm: " + String.join("; ", missed) + ". Exit 3.");
      return Main.SLO_MISSED;
    }
    return Main.OK;
  }
}
