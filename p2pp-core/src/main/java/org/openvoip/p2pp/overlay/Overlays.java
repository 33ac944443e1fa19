package org.openvoip.p2pp.overlay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The overlay plugins on the class path, by name. */
public final class Overlays {
  private static final Map<String, OverlayProvider> PROVIDERS = load();

  private Overlays() {}

  private static Map<String, OverlayProvider> load() {
    Map<String, OverlayProvider> m = new TreeMap<>();
    for (OverlayProvider p : ServiceLoader.load(OverlayProvider.class,
        Overlays.class.getClassLoader())) {
      m.put(p.name(), p);
    }
    return m;
  }

  /** The names of the plugins found, sorted. */
  public static List<String> names() {
    return new ArrayList<>(PROVIDERS.keySet());
  }

  /**
   * The plugin of {@code c}'s algorithm, once it has checked that it can run {@code c}.
   *
   * @throws IllegalArgumentException if there is no such plugin, or it cannot
   */
  public static OverlayProvider provider(org.openvoip.p2pp.node.OverlayConfig c) {
    OverlayProvider p = provider(c.algorithm());
    p.checkReplicas(resolve(p, c));
    return p;
  }

  /**
   * {@code c} with what it leaves to its overlay filled in (replicas 0: the plugin's default
   * replica count), once the plugin has checked that it can run it.
   *
   * @throws IllegalArgumentException if there is no such plugin, or it cannot
   */
  public static org.openvoip.p2pp.node.OverlayConfig resolve(
      org.openvoip.p2pp.node.OverlayConfig c) {
    OverlayProvider p = provider(c.algorithm());
    org.openvoip.p2pp.node.OverlayConfig r = resolve(p, c);
    p.checkReplicas(r);
    return r;
  }

  private static org.openvoip.p2pp.node.OverlayConfig resolve(OverlayProvider p,
      org.openvoip.p2pp.node.OverlayConfig c) {
    return c.replicas() != 0 ? c : c.toBuilder().replicas(p.defaultReplicas(c)).build();
  }

  /**
   * The plugin called {@code name}.
   *
   * @throws IllegalArgumentException naming the plugins that exist
   */
  public static OverlayProvider provider(String name) {
    OverlayProvider p = PROVIDERS.get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "no overlay algorithm called '" + name + "'; known: " + String.join(", ", names()));
    }
    return p;
  }
}
