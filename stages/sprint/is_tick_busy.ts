// is_tick_busy (CALORON §1): the predicate of sprint_tick_stateful.json's Branch. A tick
// that found the sprint's lock held by another live tick takes the quiet arm
// (busy_tick_output) instead of polling, acting and saving over the other tick's work.
import { defineStage } from '../../engine/stage/index.js';
import type { IsTickBusyInput, IsTickBusyOutput } from '../../schemas/generated/types.js';
import { stageSchemas } from '../../schemas/index.js';

export const isTickBusy = defineStage<IsTickBusyInput, IsTickBusyOutput>({
  name: 'is_tick_busy',
  description: 'true when load_tick_state found the sprint held by another live tick.',
  ...stageSchemas('is_tick_busy'),
  effects: ['Pure'],
  run: (input) => input.busy,
  examples: [
    { input: { busy: true }, output: true },
    { input: { busy: false }, output: false },
  ],
});
