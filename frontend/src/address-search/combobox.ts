/**
 * The keyboard behaviour of an ARIA 1.2 combobox with a listbox popup, as pure functions:
 * the component sends keys, this says what becomes active, open or chosen.
 */
export interface ComboboxState {
  /** How many options the listbox holds. */
  count: number;
  /** Index of the visually focused option (aria-activedescendant), -1 for none. */
  active: number;
  expanded: boolean;
}

export interface KeyResult {
  state: ComboboxState;
  /** Index of the option chosen with Enter. */
  chosen?: number;
  /** Whether the key was used (the component then prevents the browser's default). */
  handled: boolean;
  /** Escape on a closed popup clears the input, as the pattern suggests. */
  clear?: boolean;
}

export const closedCombobox = (count = 0): ComboboxState => ({ count, active: -1, expanded: false });

/** New options arrived: open when there are some, nothing active yet. */
export function withOptions(count: number): ComboboxState {
  return { count, active: -1, expanded: count > 0 };
}

export function pressKey(state: ComboboxState, key: string, altKey = false): KeyResult {
  const { count } = state;
  switch (key) {
    case 'ArrowDown':
      if (count === 0) return { state, handled: false };
      if (altKey || !state.expanded) return { state: { ...state, expanded: true, active: altKey ? state.active : Math.max(state.active, 0) }, handled: true };
      return { state: { ...state, active: (state.active + 1) % count }, handled: true };
    case 'ArrowUp':
      if (count === 0) return { state, handled: false };
      if (!state.expanded) return { state: { ...state, expanded: true, active: count - 1 }, handled: true };
      return { state: { ...state, active: state.active <= 0 ? count - 1 : state.active - 1 }, handled: true };
    case 'Home':
    case 'End':
      // In the input, Home and End move the caret unless an option is active.
      if (!state.expanded || state.active < 0) return { state, handled: false };
      return { state: { ...state, active: key === 'Home' ? 0 : count - 1 }, handled: true };
    case 'Enter':
      if (!state.expanded || state.active < 0) return { state, handled: false };
      return { state: { ...state, expanded: false }, chosen: state.active, handled: true };
    case 'Escape':
      if (state.expanded) return { state: { ...state, expanded: false, active: -1 }, handled: true };
      return { state, handled: true, clear: true };
    case 'Tab':
      return { state: { ...state, expanded: false, active: -1 }, handled: false };
    default:
      return { state, handled: false };
  }
}
