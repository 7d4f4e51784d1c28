import { describe, expect, it } from 'vitest';
import { paperDigestFilename } from './paper-digest';

describe('paperDigestFilename', () => {
  it('names the neighbourhood, the week when chosen, and the language', () => {
    expect(paperDigestFilename('0501-n1', 'fr', '2026-W48')).toBe('noper-digest-0501-n1-2026-W48-fr.pdf');
    expect(paperDigestFilename('0501-n1', 'lb', null)).toBe('noper-digest-0501-n1-lb.pdf');
  });
});
