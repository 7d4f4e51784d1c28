/**
 * A Leaflet map inside a component: its module loads only where a map shows (Leaflet stays out of the
 * first page), the map is created unless the component went away meanwhile, and what `onMount` returns
 * destroys it. Shared by the neighbourhood map (commune, admin's draft) and the point picker (compose, the
 * admin's consultation form), and by the indicators' charts (uPlot, loaded the same way).
 */
export function mountMap<Module, Map extends { destroy(): void }>(
  load: () => Promise<Module>,
  create: (module: Module) => Map,
  on: { ready: (map: Map) => void; failed: () => void },
): () => void {
  let destroyed = false;
  let created: Map | null = null;
  load()
    .then((module) => {
      if (destroyed) return;
      created = create(module);
      on.ready(created);
    })
    .catch(() => {
      on.failed();
    });
  return () => {
    destroyed = true;
    created?.destroy();
  };
}
