import { describe, expect, it } from 'vitest';
import { closedCombobox, pressKey, withOptions, type ComboboxState } from './combobox';

const press = (state: ComboboxState, ...keys: string[]) => keys.reduce((s, key) => pressKey(s, key).state, state);

describe('combobox keyboard', () => {
  it('opens with options and nothing active', () => {
    expect(withOptions(3)).toEqual({ count: 3, active: -1, expanded: true });
    expect(withOptions(0)).toEqual({ count: 0, active: -1, expanded: false });
  });

  it('ArrowDown walks the options and wraps to the first', () => {
    const open = withOptions(3);
    expect(press(open, 'ArrowDown').active).toBe(0);
    expect(press(open, 'ArrowDown', 'ArrowDown', 'ArrowDown').active).toBe(2);
    expect(press(open, 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown').active).toBe(0);
  });

  it('ArrowUp wraps to the last option', () => {
    expect(press(withOptions(3), 'ArrowUp').active).toBe(2);
    expect(press(withOptions(3), 'ArrowDown', 'ArrowUp').active).toBe(2);
  });

  it('ArrowDown on a closed list with options opens it', () => {
    expect(press({ count: 2, active: -1, expanded: false }, 'ArrowDown')).toEqual({ count: 2, active: 0, expanded: true });
  });

  it('leaves the keys to the input when there is nothing to walk', () => {
    expect(pressKey(closedCombobox(), 'ArrowDown').handled).toBe(false);
    expect(pressKey(withOptions(2), 'Home').handled).toBe(false);
    expect(pressKey(withOptions(2), 'Enter').handled).toBe(false);
  });

  it('Enter chooses the active option and closes the list', () => {
    const result = pressKey(press(withOptions(3), 'ArrowDown', 'ArrowDown'), 'Enter');
    expect(result).toEqual({ state: { count: 3, active: 1, expanded: false }, chosen: 1, handled: true });
  });

  it('Escape closes an open list, then clears the input', () => {
    const open = press(withOptions(3), 'ArrowDown');
    const first = pressKey(open, 'Escape');
    expect(first.state).toEqual({ count: 3, active: -1, expanded: false });
    expect(first.clear).toBeUndefined();
    expect(pressKey(first.state, 'Escape').clear).toBe(true);
  });

  it('Home and End jump once an option is active', () => {
    const active = press(withOptions(4), 'ArrowDown', 'ArrowDown');
    expect(press(active, 'End').active).toBe(3);
    expect(press(active, 'Home').active).toBe(0);
  });

  it('Tab closes the list without taking the key', () => {
    const result = pressKey(press(withOptions(2), 'ArrowDown'), 'Tab');
    expect(result.handled).toBe(false);
    expect(result.state.expanded).toBe(false);
  });
});
