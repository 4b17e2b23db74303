"""kombu's Redis transport, made to survive Redis going away while a task is running or
just finishing.

When the connection to Redis drops while a worker holds unacknowledged messages (every task
here acknowledges late), kombu closes the channel after the connection has already let go of
its settings, and restoring those messages raises AttributeError (celery/kombu#582, the same
traceback on kombu 5.7). The worker's consumer then dies and consumes nothing more, although
the process stays up. The messages are still in Redis' unacknowledged set, from which the
next connection restores them once their visibility timeout has passed; so the error is
logged and the consumer reconnects like after any other connection error.
"""

import logging

from kombu.transport import redis

logger = logging.getLogger(__name__)


class Channel(redis.Channel):
    def basic_ack(self, delivery_tag, multiple=False):
        # A task that ends while Redis is away cannot be acknowledged: the same AttributeError
        # (the connection has let go of its settings) would kill the consumer. The message
        # stays unacknowledged and comes back after the visibility timeout; every task here
        # is idempotent, so running it again changes nothing.
        try:
            super().basic_ack(delivery_tag, multiple=multiple)
        except AttributeError:
            logger.warning(
                "The broker connection was gone when a task was acknowledged; its message is "
                "delivered again after the visibility timeout.",
                exc_info=True,
            )

    def close(self):
        try:
            super().close()
        except AttributeError:
            logger.warning(
                "The broker connection was gone when its channel closed; unacknowledged messages "
                "stay in Redis and are delivered again after the visibility timeout.",
                exc_info=True,
            )


class Transport(redis.Transport):
    Channel = Channel
