package dev.preheat.spring.internal;

import dev.preheat.spring.TaskOutcome;
import dev.preheat.spring.WarmCache;
import dev.preheat.spring.WarmTask;
import dev.preheat.spring.WarmTaskContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds {@link WarmCache} methods as beans are created (reflection only, no I/O) and warms them:
 * each key from the method's key source is passed to the method through the bean's proxy, so
 * {@code @Cacheable} stores the value under the key a real call would use.
 */
public final class WarmCacheMethods implements BeanPostProcessor, BeanFactoryAware, WarmTask,
    MaybeEmpty {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(WarmCacheMethods.class);

  private record Target(String beanName, Object bean, Method method, String keys) {}

  private final List<Target> targets = new CopyOnWriteArrayList<>();
  private final int concurrency;
  private final int batchSize;
  private BeanFactory beanFactory;

  /** Warms with {@code concurrency} threads, keys in batches of {@code batchSize}. */
  public WarmCacheMethods(int concurrency, int batchSize) {
    this.concurrency = concurrency;
    this.batchSize = batchSize;
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    Class<?> type = AopUtils.getTargetClass(bean);
    if (isLibraryClass(type.getName())
        || !AnnotationUtils.isCandidateClass(type, WarmCache.class)) {
      return bean;
    }
    Map<Method, WarmCache> found = MethodIntrospector.selectMethods(type,
        (MethodIntrospector.MetadataLookup<WarmCache>) m ->
            AnnotatedElementUtils.findMergedAnnotation(m, WarmCache.class));
    for (Map.Entry<Method, WarmCache> e : found.entrySet()) {
      Method invocable = AopUtils.selectInvocableMethod(e.getKey(), bean.getClass());
      ReflectionUtils.makeAccessible(invocable);
      targets.add(new Target(beanName, bean, invocable, e.getValue().keys()));
    }
    return bean;
  }

  /** Libraries' beans (most of a context) cannot carry {@code @WarmCache}: not scanned. */
  private static final String[] LIBRARIES = {"org.springframework.", "java.", "javax.",
      "jakarta.", "io.micrometer.", "com.fasterxml.", "tools.jackson.",
      "org.apache.", "com.zaxxer.", "io.lettuce.", "io.netty.", "okhttp3.", "kotlin.",
      "com.github.benmanes.", "ch.qos.logback.", "org.slf4j.", "org.hibernate.", "reactor."};

  static boolean isLibraryClass(String name) {
    for (String prefix : LIBRARIES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Whether no {@link WarmCache} method was found. */
  @Override
  public boolean isEmpty() {
    return targets.isEmpty();
  }

  @Override
  public String name() {
    return "cache-methods";
  }

  @Override
  public TaskOutcome warm(WarmTaskContext context) throws Exception {
    long warmed = 0;
    long failed = 0;
    List<String> details = new ArrayList<>();
    for (Target t : targets) {
      if (context.isCancelled()) {
        break;
      }
      Iterable<?> keys = keys(t);
      int params = t.method().getParameterCount();
      KeyBatches.Counts c = KeyBatches.run("cache-" + t.method().getName(), keys, concurrency,
          batchSize, context, batch -> {
            long n = 0;
            for (Object key : batch) {
              Object[] args = params == 1 ? new Object[] {key}
                  : key instanceof Object[] a ? a : new Object[] {key};
              try {
                t.method().invoke(t.bean(), args);
                n++;
              } catch (InvocationTargetException e) {
                // counted as failed (batch size minus warmed); the others go on
                log.debug("Preheat: {} failed for key {}", t.method(), key, e.getCause());
              }
            }
            return n;
          });
      warmed += c.warmed();
      failed += c.failed();
      details.add(t.beanName() + "." + t.method().getName() + ": " + c.warmed()
          + (c.failed() > 0 ? " (" + c.failed() + " failed)" : ""));
    }
    return TaskOutcome.of(warmed, failed, String.join(", ", details));
  }

  private Iterable<?> keys(Target t) throws Exception {
    Method source = ReflectionUtils.findMethod(AopUtils.getTargetClass(t.bean()), t.keys());
    Object value;
    if (source != null && source.getParameterCount() == 0) {
      ReflectionUtils.makeAccessible(source);
      try {
        value = source.invoke(AopUtils.isAopProxy(t.bean())
            ? ((org.springframework.aop.framework.Advised) t.bean()).getTargetSource().getTarget()
            : t.bean());
      } catch (InvocationTargetException e) {
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
    } else if (beanFactory != null && beanFactory.containsBean(t.keys())
        && beanFactory.getBean(t.keys()) instanceof Supplier<?> s) {
      value = s.get();
    } else {
      throw new IllegalStateException("@WarmCache(keys = \"" + t.keys() + "\") on "
          + t.method() + ": no method " + t.keys() + "() on bean '" + t.beanName()
          + "' and no Supplier bean of that name");
    }
    if (value instanceof Iterable<?> it) {
      return it;
    }
    if (value instanceof Object[] array) {
      return Arrays.asList(array);
    }
    if (value instanceof Stream<?> stream) {
      return stream.toList();
    }
    throw new IllegalStateException("@WarmCache key source " + t.keys() + " of bean '"
        + t.beanName() + "' returned " + (value == null ? "null" : value.getClass().getName())
        + ": return an Iterable, an array or a Stream");
  }
}
