// A size-bounded least-recently-used map. Entries are weighed (e.g. by payload bytes)
// so one 10 MB record cannot keep fifty others alive.

export class WeightedLru<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private totalWeight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {
    if (maxEntries < 1 || maxWeight <= 0) throw new RangeError('WeightedLru needs positive bounds');
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = Math.max(0, this.weigh(value));
    this.entries.set(key, { value, weight });
    this.totalWeight += weight;
    this.evict(key);
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }

  /** Drops the oldest entries until within bounds; the entry just added is kept even if alone it is over weight. */
  private evict(justAdded: K): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.totalWeight <= this.maxWeight) return;
      if (key === justAdded) return;
      this.entries.delete(key);
      this.totalWeight -= entry.weight;
    }
  }
}
