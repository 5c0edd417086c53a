// Generalized advantage estimation (Schulman et al. 2016) within one turn's response, as MAPoRL
// runs it (TRL PPOv2's loop in ppov2_trainer_multi_different_model.py): the value after the last
// token is 0, so credit crosses turns only through R(t, i) (influence-reward.ts), never through
// bootstrapped values.
//   δ_x = r_x + γ V_{x+1} − V_x,  V_{n} = 0
//   A_x = δ_x + γλ A_{x+1}         = Σ_{k ≥ x} (γλ)^(k−x) δ_k
//   returns_x = A_x + V_x           (the value head's targets)

export interface Gae {
  advantages: number[];
  returns: number[];
}

export function gae(rewards: readonly number[], values: readonly number[], gamma: number, lambda: number): Gae {
  if (values.length !== rewards.length) throw new RangeError(`${rewards.length} rewards but ${values.length} values`);
  const advantages = new Array<number>(rewards.length);
  let next = 0; // A_{x+1}
  for (let x = rewards.length - 1; x >= 0; x--) {
    const nextValue = x + 1 < values.length ? values[x + 1] : 0;
    next = rewards[x] + gamma * nextValue - values[x] + gamma * lambda * next;
    advantages[x] = next;
  }
  return { advantages, returns: advantages.map((a, x) => a + values[x]) };
}
