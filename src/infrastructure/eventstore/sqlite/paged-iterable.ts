/**
 * An async iterable over pages fetched synchronously (better-sqlite3 is synchronous).
 * A hand-rolled iterator instead of an async generator: at hundreds of thousands of
 * events per second the generator's per-item machinery is a large share of the cost.
 * Pages are fetched only when the consumer has drained the previous one (back-pressure).
 */
export function pagedIterable<Row, T>(nextPage: () => Row[] | null, map: (row: Row) => T): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let page: Row[] = [];
      let index = 0;
      let finished = false;
      const end: IteratorReturnResult<undefined> = { done: true, value: undefined };
      return {
        next(): Promise<IteratorResult<T>> {
          try {
            while (index >= page.length) {
              if (finished) return Promise.resolve(end);
              const next = nextPage();
              if (next === null) {
                finished = true;
                return Promise.resolve(end);
              }
              page = next;
              index = 0;
            }
            return Promise.resolve({ done: false, value: map(page[index++]!) });
          } catch (error) {
            finished = true;
            return Promise.reject(error);
          }
        },
        return(): Promise<IteratorResult<T>> {
          finished = true;
          page = [];
          return Promise.resolve(end);
        },
      };
    },
  };
}
