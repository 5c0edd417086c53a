// The contract between lm/ and its users (activities, bench, pretraining). Everything a
// pipeline step needs from a language model goes through these types; ONNX Runtime stays
// behind lm/.

export type Device = 'cpu' | 'cuda';

export interface RuntimeOptions {
  device: Device;
  /** Intra-op threads for ONNX Runtime (default: all cores). */
  threads?: number;
  /**
   * Let ORT's worker threads spin between ops (default false). Spinning helps only on an
   * otherwise idle machine; with other workers on the same cores it made decode steps 2–3x slower.
   */
  spinning?: boolean;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Plain text is tokenized as is; messages go through the model's chat template. */
export type Prompt = string | ChatMessage[];

export interface GenerateRequest {
  prompt: Prompt;
  /** Directory of a PEFT LoRA adapter to apply, or undefined for the base model. */
  adapter?: string;
  /**
   * The random stream this request samples from; default `{ seed: options.seed, index: its index
   * in the call }`. One call can then carry the requests of several (a debate round's agents, each
   * with its own seed) and every request samples what it would have sampled in its own call.
   */
  stream?: RequestStream;
}

/** StreamRng.forStream(seed, index). */
export interface RequestStream {
  seed: number;
  index: number;
}

export interface SamplingOptions {
  maxNewTokens: number;
  /** 0 means greedy. */
  temperature: number;
  topP?: number;
  topK?: number;
  /** Same seed, same requests, same model → same outputs. */
  seed: number;
  stop?: string[];
}

export interface Generation {
  text: string;
  tokenIds: number[];
  /** Log-probability of each generated token under the (unmodified) model distribution. */
  logprobs: number[];
  finishReason: 'stop' | 'eos' | 'length';
}

export interface ScoreRequest {
  prompt: Prompt;
  completion: string;
  adapter?: string;
}

export interface Score {
  sumLogprob: number;
  meanLogprob: number;
  tokens: number;
}

/** A completion given as text (tokenized as score() does) or as the exact token ids generate() returned. */
export type Completion = string | number[];

export interface TokenScoreRequest {
  prompt: Prompt;
  completion: Completion;
  /** PEFT LoRA adapter directory, or undefined for the base model. */
  adapter?: string;
}

export interface TokenScoreOptions {
  /** Also return the entropy of the model's distribution at each completion position. */
  entropy?: boolean;
  /** Score under softmax(logits / temperature) (default 1: the model's own distribution, as generate() reports). */
  temperature?: number;
}

export interface TokenScores {
  /** The completion's token ids (as given, or as the tokenizer encoded the text). */
  tokenIds: number[];
  /** log p(token | prompt, earlier completion tokens) for each completion token. */
  logprobs: number[];
  /** −Σ p log p of the distribution each token was drawn from (with options.entropy). */
  entropies?: number[];
}

export interface HeadScoreRequest {
  prompt: Prompt;
  completion: Completion;
  /** A value or verifier model directory written by finetuneRl (PEFT SEQ_CLS adapter + `score` head). */
  head: string;
}

export interface HeadScores {
  tokenIds: number[];
  /** The head at the state before each completion token (PPO's per-token values V(s_t)). */
  values: number[];
  /** The head after the last token: the verifier's logit (LlamaForSequenceClassification pools there too). */
  final: number;
  /** sigmoid(final): the verifier's probability that the completion is correct. */
  probability: number;
}

export interface TrainExample {
  prompt: Prompt;
  completion: string;
}

export interface LoraOptions {
  rank: number;
  alpha: number;
  dropout: number;
  /** Short module names as in PEFT: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj. */
  targetModules: string[];
}

export interface FinetuneOptions {
  method: 'lora' | 'full';
  lora?: LoraOptions;
  learningRate: number;
  epochs: number;
  /** Examples are packed into batches of at most this many tokens. */
  batchTokens: number;
  gradientAccumulation: number;
  weightDecay: number;
  betas: [number, number];
  warmupSteps: number;
  schedule: 'cosine' | 'linear' | 'constant';
  maxGradNorm: number;
  seed: number;
}

export interface FinetuneProgress {
  step: number;
  totalSteps: number;
  loss: number;
  tokensPerSecond: number;
  /** RL objectives: the step's diagnostics (absent for SFT). */
  metrics?: RlStepMetrics;
}

/** Per optimizer step, over the step's policy loss tokens. */
export interface RlStepMetrics {
  /** PPO: fraction of tokens whose clipped surrogate was the larger (TRL's pg_clipfrac). */
  clipFraction?: number;
  /** PPO: ½·mean((log π − log π_old)²) (TRL PPOv2's approxkl). */
  approxKl?: number;
  /** With a KL term: mean k3 estimate of KL(π ‖ π_ref). */
  refKl?: number;
}

/**
 * How per-token losses are averaged in an optimizer step of G sequences with T tokens in all:
 * 'token-mean' 1/T (TRL PPOv2's masked mean, DAPO), 'sequence-mean' 1/(|o_i|·G) (GRPO's paper),
 * 'sequence-sum' 1/G (CoMLRL's MAGRPO: −(Σ_t log π)·A averaged over the group), or a fixed
 * 1/constant (Dr. GRPO: e.g. G · max new tokens).
 */
export type Normalization = 'token-mean' | 'sequence-mean' | 'sequence-sum' | { constant: number };

export type PolicyObjective =
  /** REINFORCE / GRPO without clipping: −A·log π per token. */
  | { kind: 'pg' }
  /** PPO's clipped surrogate with ratio exp(log π − log π_old) and clip range ε. */
  | { kind: 'ppo'; clip: number };

export type HeadObjective =
  /** Value function: ½(V − R)², or PPOv2's clipped form with `clip`; `coefficient` is vf_coef (default 1). */
  | { kind: 'value'; clip?: number; coefficient?: number }
  /**
   * Verifier: binary cross-entropy of sigmoid(head) against the example's label, on the last
   * token (default) or on every completion token (MAPoRL's verifier training).
   */
  | { kind: 'verifier'; tokens?: 'last' | 'completion'; coefficient?: number };

export interface RlObjective {
  policy?: PolicyObjective;
  /** β · k3(π, π_ref) per token, with the examples' refLogprobs (needs `policy`). */
  kl?: { beta: number };
  /** A scalar head on the final hidden state, trained alongside the adapter (or alone, method 'head'). */
  head?: HeadObjective;
  normalize: Normalization;
  /**
   * The policy's log-probs are of softmax(logits / temperature) (default 1). TRL's PPOv2
   * (MAPoRL) uses the sampling temperature, so the ratio compares the distributions sampling
   * drew from; old and reference log-probs then come from scoreTokens() with the same temperature.
   */
  temperature?: number;
}

/** One sampled completion with its training signals; per-token arrays have one entry per completion token. */
export interface RlExample {
  prompt: Prompt;
  completion: Completion;
  /** One advantage for every token (GRPO/MAGRPO), or `advantages` per token (PPO with GAE). */
  advantage?: number;
  advantages?: number[];
  /** PPO: log π_old per token (from generate() or scoreTokens()). */
  oldLogprobs?: number[];
  /** KL term: log π_ref per token (scoreTokens() on the reference). */
  refLogprobs?: number[];
  /** Value head: returns per token, and the values they were computed with (clipped value loss). */
  returns?: number[];
  oldValues?: number[];
  /** Verifier head: 1 correct, 0 wrong (soft labels in [0, 1] allowed). */
  label?: number;
}

export interface RlFinetuneOptions extends Omit<FinetuneOptions, 'method'> {
  /** 'head': base and adapter frozen, only the scalar head trains. */
  method: 'lora' | 'full' | 'head';
}

export interface RlFinetuneRequest {
  modelDir: string;
  /** Continue from this adapter (policy), value/verifier directory (head objectives) or model directory (full). */
  init?: string;
  examples: RlExample[];
  objective: RlObjective;
  options: RlFinetuneOptions;
  /** A PEFT LoRA adapter (policy), a PEFT SEQ_CLS adapter with its `score` head (head objectives), or a model directory (full). */
  outDir: string;
  checkpointDir: string;
  /** Optimizer steps between checkpoints (default 50; always at the end). */
  checkpointEvery?: number;
  runtime: RuntimeOptions;
  onProgress?: (p: FinetuneProgress) => void;
  signal?: AbortSignal;
}

export interface FinetuneRequest {
  /** Hugging Face model directory (config.json, tokenizer.json, *.safetensors). */
  modelDir: string;
  /** Start from this adapter (LoRA) or model directory (full) instead of the base. */
  init?: string;
  examples: TrainExample[];
  options: FinetuneOptions;
  /** Where the result goes: a PEFT adapter (lora) or a full HF model directory (full). */
  outDir: string;
  /** Checkpoints with optimizer state; an interrupted finetune resumes from the latest. */
  checkpointDir: string;
  runtime: RuntimeOptions;
  onProgress?: (p: FinetuneProgress) => void;
  signal?: AbortSignal;
}

/** What a training run reports, from finetune() and from lm/train's trainModel(). */
export interface TrainingSummary {
  /** Optimizer steps taken in total (including those before a resume). */
  steps: number;
  /** Loss-bearing tokens seen in total. */
  tokens: number;
  finalLoss: number;
  meanLoss: number;
  resumedFromStep: number;
}

export interface FinetuneResult extends TrainingSummary {
  outDir: string;
}

export interface ModelInfo {
  modelDir: string;
  architecture: string;
  vocabSize: number;
  parameters: number;
}

/** One base model in memory with any number of adapters over it (openModel() keeps it in a worker thread). */
export interface LanguageModel {
  readonly info: ModelInfo;
  generate(requests: GenerateRequest[], options: SamplingOptions): Promise<Generation[]>;
  score(requests: ScoreRequest[]): Promise<Score[]>;
  /** Per-token log-probs (and entropies) of completions, batched like generation. */
  scoreTokens(requests: TokenScoreRequest[], options?: TokenScoreOptions): Promise<TokenScores[]>;
  /** Per-token values and the final verifier score of a value/verifier model directory. */
  scoreHead(requests: HeadScoreRequest[]): Promise<HeadScores[]>;
  close(): Promise<void>;
}
