// The schema the example text stages share: an object with exactly one string, `text`.
export const textObject = {
  type: 'object',
  properties: { text: { type: 'string' } },
  required: ['text'],
  additionalProperties: false,
};
