import { describe, expect, it } from 'vitest';
import { NoetherError } from '../../../engine/errors.js';
import { designPo } from '../../../stages/phases/index.js';
import { callStage } from '../call-stage.js';

describe('design_po', () => {
  it('trims the goal and fills the absent fields with empty values', async () => {
    expect(await callStage(designPo, { goal: '  Build a NoteStore \n' })).toEqual({
      goal: 'Build a NoteStore',
      constraints: '',
      design_brief: '',
      components_inventory: [],
    });
  });

  it('treats null fields as absent', async () => {
    const output = await callStage(designPo, {
      goal: 'g',
      constraints: null,
      design_brief: null,
      components_inventory: null,
    });
    expect(output).toEqual({ goal: 'g', constraints: '', design_brief: '', components_inventory: [] });
  });

  it('joins a list of constraints one per line, dropping blank ones', async () => {
    const output = await callStage(designPo, { goal: 'g', constraints: [' Node 20 ', '', 'no database'] });
    expect(output).toMatchObject({ constraints: 'Node 20\nno database' });
  });

  it('passes the design brief and the inventory of existing components through', async () => {
    const inventory = [{ name: 'Logger', purpose: 'Logs.', interface: 'log(line)' }];
    const output = await callStage(designPo, {
      goal: 'g',
      design_brief: ' calm UI ',
      components_inventory: inventory,
    });
    expect(output).toMatchObject({ design_brief: 'calm UI', components_inventory: inventory });
  });

  it('ignores the fields it does not know (it is fed from wider scopes)', async () => {
    expect(await callStage(designPo, { goal: 'g', sprint_id: 's1' })).not.toHaveProperty('sprint_id');
  });

  it('rejects a blank goal with a NoetherError naming the field', async () => {
    const error: unknown = await callStage(designPo, { goal: ' \t\n' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoetherError);
    expect(error).toMatchObject({ code: 'NOE_STAGE_INPUT_VIOLATION', place: { pointer: '/goal' } });
    expect((error as Error).message).toMatch(/goal must not be blank/);
  });
});
