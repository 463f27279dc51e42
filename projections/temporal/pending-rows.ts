/**
 * Rows held back within one batch so that many are written by one statement: the values of
 * up to `capacity` rows, one after another, in one array reused from statement to statement.
 */
export class PendingRows {
  readonly values: unknown[];
  private count = 0;

  constructor(private readonly width: number, private readonly capacity: number) {
    this.values = new Array<unknown>(width * capacity).fill(null);
  }

  /** Holds a copy of the row; true when the rows now fill a statement. */
  add(row: readonly unknown[]): boolean {
    const offset = this.count * this.width;
    for (let i = 0; i < this.width; i++) this.values[offset + i] = row[i];
    return ++this.count === this.capacity;
  }

  /** The rows held, each as its own array. */
  each(write: (row: unknown[]) => void): void {
    for (let r = 0; r < this.count; r++) write(this.values.slice(r * this.width, (r + 1) * this.width));
  }

  clear(): void {
    this.count = 0;
  }
}
