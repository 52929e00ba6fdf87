// One owner for what a feature or object must release: added in order, disposed in that order,
// once. It replaces the hand-written `subscriptions: Disposable[]` arrays and their dispose loops.
// Pure (no `vscode` import): anything with a dispose() fits, VS Code's Disposables and our own.

export interface DisposableLike {
  dispose(): unknown;
}

export class DisposableStore implements DisposableLike {
  private readonly items: DisposableLike[] = [];
  private disposed = false;

  constructor(...items: DisposableLike[]) {
    this.add(...items);
  }

  /** Adds items to release later; after dispose() they are released at once, so nothing added late leaks. */
  add(...items: DisposableLike[]): void {
    if (this.disposed) {
      disposeAll(items);
      return;
    }
    this.items.push(...items);
  }

  /** Releases every item in the order added; one that throws does not keep the others alive (its error is rethrown after). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.items.splice(0));
  }
}

function disposeAll(items: readonly DisposableLike[]): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
}
