import { describe, expect, it } from 'vitest';
import { matchRoute } from './routes';

describe('matchRoute', () => {
  it.each([
    ['/', 'home'],
    ['', 'home'],
    ['/index.html', 'home'],
    ['/status', 'status'],
    ['/status/', 'status'],
    ['/status?lang=fr#api', 'status'],
  ] as const)('%s → %s', (path, name) => {
    expect(matchRoute(path).name).toBe(name);
  });

  it('names an unknown path as not found, keeping the path', () => {
    expect(matchRoute('/statuses/1?x=2')).toEqual({ name: 'notFound', path: '/statuses/1' });
    expect(matchRoute('/STATUS')).toEqual({ name: 'notFound', path: '/STATUS' });
  });
});
