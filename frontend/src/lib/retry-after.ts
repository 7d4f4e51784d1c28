/**
 * Seconds to wait from a `Retry-After` header (delay-seconds or an HTTP date), at least 1;
 * `fallback` when the header is missing or unreadable.
 */
export function retryAfterSeconds(header: string | null | undefined, now: Date = new Date(), fallback = 5): number {
  const value = header?.trim();
  if (!value) return fallback;
  if (/^\d+$/.test(value)) return Math.max(1, Number(value));
  if (!/[a-z]/i.test(value)) return fallback; // an HTTP date names its day and month
  const at = Date.parse(value);
  if (Number.isNaN(at)) return fallback;
  return Math.max(1, Math.ceil((at - now.getTime()) / 1000));
}
