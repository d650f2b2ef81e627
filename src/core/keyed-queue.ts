/**
 * One task in flight per key (a conversation), later tasks wait their turn in arrival order;
 * none is dropped. Different keys run concurrently. A failing task does not block its successors.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /** Resolves with the task's result once it has run. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Resolves when everything queued so far has finished. */
  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
