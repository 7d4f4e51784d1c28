import { describe, expect, it } from 'vitest';
import { debounce } from './debounce';
import { ManualTimers } from './fake-timers';

describe('debounce', () => {
  it('runs once, with the last arguments, after calls stop for the delay', () => {
    const timers = new ManualTimers();
    const calls: string[] = [];
    const search = debounce((q: string) => calls.push(q), 250, timers);
    search('k');
    timers.advance(100);
    search('ka');
    timers.advance(249);
    expect(calls).toEqual([]);
    timers.advance(1);
    expect(calls).toEqual(['ka']);
    expect(timers.pending).toBe(0);
  });

  it('forgets a waiting call when cancelled', () => {
    const timers = new ManualTimers();
    const calls: string[] = [];
    const search = debounce((q: string) => calls.push(q), 250, timers);
    search('kae');
    search.cancel();
    timers.advance(1000);
    expect(calls).toEqual([]);
  });
});
