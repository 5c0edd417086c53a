// The activities, built from their dependencies (the Temporal samples' dependency-injection
// pattern): workflows import only the type of this factory.
import type {
  AdvantagesInput,
  DebateShardInput,
  EvaluateInput,
  FinetuneAgentInput,
  MajorityVoteInput,
  PolicyUpdateInput,
  PpoAdvantagesInput,
  PpoUpdateInput,
  PrepareRunInput,
  RolloutShardInput,
  ScoreRolloutsInput,
  SplitDatasetsInput,
  TrainVerifierInput,
} from '../experiment/step-types';
import type { ActivityDeps } from './deps';
import { computeAdvantages } from './compute-advantages';
import { computePpoAdvantages } from './compute-ppo-advantages';
import { evaluate } from './evaluate';
import { toActivityFailure } from './failures';
import { finetuneAgent } from './finetune-agent';
import { generateDebate } from './generate-debate';
import { generateRollouts } from './generate-rollouts';
import { majorityVote } from './majority-vote';
import { createModelPool } from './model-pool';
import type { ModelPool } from './model-pool';
import { policyUpdate } from './policy-update';
import { ppoUpdate } from './ppo-update';
import { prepareRun } from './prepare-run';
import { scoreRollouts } from './score-rollouts';
import { splitAgentDatasets } from './split-agent-datasets';
import { trainVerifier } from './train-verifier';

export function createActivities(deps: ActivityDeps, models: ModelPool = createModelPool(deps.lm)) {
  const step =
    <I, O>(fn: (input: I) => Promise<O>) =>
    async (input: I): Promise<O> => {
      try {
        return await fn(input);
      } catch (err) {
        throw toActivityFailure(err);
      }
    };
  return {
    prepareRun: step((input: PrepareRunInput) => prepareRun(deps, input)),
    generateDebate: step((input: DebateShardInput) => generateDebate(deps, models, input)),
    majorityVote: step((input: MajorityVoteInput) => majorityVote(deps, input)),
    splitAgentDatasets: step((input: SplitDatasetsInput) => splitAgentDatasets(deps, input)),
    finetuneAgent: step((input: FinetuneAgentInput) => finetuneAgent(deps, input)),
    evaluate: step((input: EvaluateInput) => evaluate(deps, models, input)),
    generateRollouts: step((input: RolloutShardInput) => generateRollouts(deps, models, input)),
    computeAdvantages: step((input: AdvantagesInput) => computeAdvantages(deps, input)),
    policyUpdate: step((input: PolicyUpdateInput) => policyUpdate(deps, models, input)),
    trainVerifier: step((input: TrainVerifierInput) => trainVerifier(deps, models, input)),
    scoreRollouts: step((input: ScoreRolloutsInput) => scoreRollouts(deps, models, input)),
    computePpoAdvantages: step((input: PpoAdvantagesInput) => computePpoAdvantages(deps, input)),
    ppoUpdate: step((input: PpoUpdateInput) => ppoUpdate(deps, input)),
  };
}

export type { ActivityDeps } from './deps';
export { createModelPool } from './model-pool';
