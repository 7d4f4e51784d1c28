import { describe, expect, it, vi } from 'vitest';
import { mountMap } from './mount-map';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('mountMap', () => {
  it('creates the map once its module has loaded, and destroys it with the component', async () => {
    const map = { destroy: vi.fn() };
    const ready = vi.fn();
    const cleanUp = mountMap(async () => ({ make: () => map }), (module) => module.make(), { ready, failed: vi.fn() });
    await tick();
    expect(ready).toHaveBeenCalledWith(map);
    cleanUp();
    expect(map.destroy).toHaveBeenCalledOnce();
  });

  it('creates nothing when the component went away before the module loaded', async () => {
    const create = vi.fn();
    const cleanUp = mountMap(async () => ({}), create, { ready: vi.fn(), failed: vi.fn() });
    cleanUp();
    await tick();
    expect(create).not.toHaveBeenCalled();
  });

  it('says so when the module or the map fails', async () => {
    const failed = vi.fn();
    mountMap(async () => ({}), () => {
      throw new Error('no WebGL');
    }, { ready: vi.fn(), failed });
    await tick();
    expect(failed).toHaveBeenCalledOnce();
  });
});
