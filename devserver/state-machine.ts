// Every entity the server keeps — a run, its workflow task, activities, timers, child workflows,
// external signal and cancel requests — moves only through a declared transition table, as in
// the Java SDK's test server (StateMachines.java): (state, action) → (next state, callback). The
// callback is the transition's side effect (events written, tasks dispatched, timeouts armed),
// named in the table and run by `apply`, so the table is the whole story of what can happen to
// the entity. An undeclared transition is a server bug and throws.
//
// Tables are plain data (state → action → [next state, callback name]) bound to an object of
// callbacks, so that tests can bind the same tables to recording callbacks and walk every row.

/** Where a machine reads and writes its entity's state: a stored field, or one derived from the stored data. */
export interface StateAccess<E, S extends string> {
  get(entity: E): S;
  set(entity: E, to: S): void;
}

/** The side effect of a transition: the entity and the action's request. */
export type Callback<E, Req> = (entity: E, request: Req) => void;

/** The names of the callbacks in `Cb` that accept a request of type `Req` (so a table cannot name a mismatched one). */
type CallbackFor<Cb, E, Req> = { [K in keyof Cb]: Cb[K] extends Callback<E, Req> ? K : never }[keyof Cb] & string;

/** A transition: the state the entity moves to and the callback that goes with it. */
export type Transition<S extends string, Name extends string> = readonly [to: S, callback: Name];

/** state → action → transition; the actions are the keys of `R`, each typed by its request. */
export type TransitionTable<S extends string, R, E, Cb> = {
  readonly [From in S]?: { readonly [A in keyof R & string]?: Transition<S, CallbackFor<Cb, E, R[A]>> };
};

/** Arguments after the action: its request, none for actions whose request type is undefined. */
type RequestArgs<Req> = [Req] extends [undefined] ? [] : [request: Req];

export class UndeclaredTransitionError extends Error {}

export class StateMachine<S extends string, R, E, Cb> {
  constructor(
    /** The entity's name in error messages ("activity", "workflow task"…). */
    readonly entity: string,
    readonly table: TransitionTable<S, R, E, Cb>,
    readonly access: StateAccess<E, S>,
    private readonly callbacks: Cb,
  ) {}

  /**
   * Moves the entity by `action`: its state becomes the declared next state, then the callback
   * runs — so the callback (and anything it calls) sees the entity in its new state, and may move
   * it on (a timed-out workflow task is scheduled again from `none`).
   */
  apply<A extends keyof R & string>(entity: E, action: A, ...request: RequestArgs<R[A]>): void {
    const from = this.access.get(entity);
    const transition = this.table[from]?.[action];
    if (!transition) throw new UndeclaredTransitionError(`${this.entity}: no transition for action "${action}" in state "${from}"`);
    const [to, name] = transition;
    this.access.set(entity, to);
    (this.callbacks[name as keyof Cb] as Callback<E, R[A] | undefined>).call(this.callbacks, entity, request[0]);
  }

}
