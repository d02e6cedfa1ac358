// The sprint area: the stages that wrap a tick in its persisted state (CALORON §3, sprint/).
export { loadTickState } from './load_tick_state.js';
export { saveTickState } from './save_tick_state.js';
