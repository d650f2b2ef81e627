/**
 * `(context, next)` middleware joined by `compose`, in the manner of grammY and Koa. A
 * middleware that does not call `next` ends the chain; calling `next` twice is a bug and throws.
 */
export type Next = () => Promise<void>;
export type Middleware<Context> = (context: Context, next: Next) => Promise<void>;

export function compose<Context>(
  middlewares: readonly Middleware<Context>[],
): (context: Context) => Promise<void> {
  return function composed(context: Context): Promise<void> {
    let lastIndex = -1;
    const dispatch = async (index: number): Promise<void> => {
      if (index <= lastIndex) throw new Error("next() called more than once in one middleware");
      lastIndex = index;
      const middleware = middlewares[index];
      if (!middleware) return;
      await middleware(context, () => dispatch(index + 1));
    };
    return dispatch(0);
  };
}
