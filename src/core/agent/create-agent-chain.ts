import type { AgentFactoryInput } from '../pipeline/pipeline-deps';
import type { Agent } from './agent';
import { FallbackChainAgent } from './chain/fallback-chain-agent';
import { providerEntries } from './chain/provider-entries';

/** The production agent: the configured providers in order, each used only if its key is there, then offline. */
export function createAgentChain(input: AgentFactoryInput): Agent {
  const knownSecrets = Object.values(input.secrets).filter((value): value is string => typeof value === 'string' && value.length >= 6);
  return new FallbackChainAgent(providerEntries(input.config, input.secrets), { knownSecrets });
}
