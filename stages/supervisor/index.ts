// The supervisor area (CALORON §2–§3): agent health, the intervention ladder, its words.
export { checkAgentHealth } from './check_agent_health.js';
export { composeInterventionMessage } from './compose_intervention_message.js';
export { decideIntervention } from './decide_intervention.js';
