"""A token bucket per connection and message kind: cheap, local, no I/O."""
import math
import time


class TokenBucket:
    def __init__(self, rate: float, burst: float, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.stamp = burst, clock()

    def take(self) -> float:
        """Take one token. Return 0 when allowed, else the seconds (at least 0.001) until one is free."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        # In whole milliseconds, rounded up: a wait that rounds to 0 tells the client to retry at once
        # (the flood test saw retry_after 0.0), and that retry is refused again.
        return math.ceil((1 - self.tokens) / self.rate * 1000) / 1000
