package bridge

import (
	"context"
	"sync"
)

// Queue is an unbounded (or, with Max, drop-oldest) FIFO of deliveries that never
// blocks the writer: the bridge's read loop must not wait for slow HTTP clients.
type Queue struct {
	// Max bounds the queue; when full the oldest item is dropped (0 = unbounded).
	Max int

	mu     sync.Mutex
	items  []Delivery
	signal chan struct{}
	closed bool
}

// NewQueue returns an empty queue.
func NewQueue(max int) *Queue { return &Queue{Max: max, signal: make(chan struct{}, 1)} }

// Put appends d; it is a no-op after Close.
func (q *Queue) Put(d Delivery) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	if q.Max > 0 && len(q.items) >= q.Max {
		q.items = q.items[1:]
	}
	q.items = append(q.items, d)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// Get waits for the next item. ok is false when ctx ends or the queue is closed and empty.
func (q *Queue) Get(ctx context.Context) (d Delivery, ok bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			d = q.items[0]
			q.items = q.items[1:]
			q.mu.Unlock()
			return d, true
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return Delivery{}, false
		}
		select {
		case <-q.signal:
		case <-ctx.Done():
			return Delivery{}, false
		}
	}
}

// Close wakes readers; items already queued can still be read.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}
