/**
 * Runs `load` once `element` comes within `margin` of the view, for what a screen does not ask for with itself
 * (an item's comments below its calendar, the profile's calendar feeds): a look at the screen stays within its
 * calls. Where IntersectionObserver is missing, at once. Answers the cleanup, for onMount.
 */
export function whenNearView(element: Element, load: () => void, margin = '200px 0px'): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    load();
    return () => {};
  }
  const watch = new IntersectionObserver(
    (entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      watch.disconnect();
      load();
    },
    { rootMargin: margin },
  );
  watch.observe(element);
  return () => watch.disconnect();
}
