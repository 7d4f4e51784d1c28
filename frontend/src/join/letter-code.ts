/** Letter codes: ten symbols of Crockford's base 32, printed in groups 4-4-2 (K7QF-2M9X-PD). */
const ALPHABET = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{10}$/;
const GROUPS = [4, 4, 2];
// What people type by mistake for a symbol the alphabet leaves out (the API reads them the same way).
const LOOKALIKES: Record<string, string> = { O: '0', I: '1', L: '1' };

/**
 * The code from a commune's letter as printed, from what a resident typed or the QR code carried:
 * spaces and dashes dropped, upper case, look-alikes fixed, regrouped 4-4-2; null when it cannot be one.
 */
export function normaliseLetterCode(input: string): string | null {
  const compact = input
    .replace(/[\s\-‐‑–—_.]/g, '')
    .toUpperCase()
    .replace(/[OIL]/g, (c) => LOOKALIKES[c] ?? c);
  if (!ALPHABET.test(compact)) return null;
  const parts: string[] = [];
  let at = 0;
  for (const size of GROUPS) {
    parts.push(compact.slice(at, at + size));
    at += size;
  }
  return parts.join('-');
}
