import { Observable } from 'rxjs';
import type { Subscription, SubscriptionMessage } from './ports/event-store.js';

/**
 * Offers a subscription to rxjs pipelines. The pull (`for await`) stays upstream, so the
 * store is never read faster than the slowest synchronous observer; unsubscribing stops it.
 */
export function subscriptionToObservable(subscription: Subscription): Observable<SubscriptionMessage> {
  return new Observable<SubscriptionMessage>((subscriber) => {
    (async () => {
      for await (const message of subscription) {
        if (subscriber.closed) break;
        subscriber.next(message);
      }
      subscriber.complete();
    })().catch((error: unknown) => subscriber.error(error));
    return () => {
      void subscription.stop();
    };
  });
}
