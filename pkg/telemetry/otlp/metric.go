package otlp

import (
	"context"
	"fmt"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"google.golang.org/protobuf/encoding/protowire"
)

// MetricExporter is an sdkmetric.Exporter that POSTs ExportMetricsServiceRequests.
// Like the SDK's exporters it asks for cumulative temporality and the default
// aggregations.
type MetricExporter struct{ c *client }

var _ sdkmetric.Exporter = (*MetricExporter)(nil)

// NewMetricExporter returns an exporter posting to cfg.URL (the full URL, path included).
func NewMetricExporter(cfg Config) (*MetricExporter, error) {
	c, err := newClient(cfg, "metrics")
	if err != nil {
		return nil, err
	}
	return &MetricExporter{c: c}, nil
}

// Temporality is the SDK's default: cumulative for every instrument.
func (e *MetricExporter) Temporality(k sdkmetric.InstrumentKind) metricdata.Temporality {
	return sdkmetric.DefaultTemporalitySelector(k)
}

// Aggregation is the SDK's default for k.
func (e *MetricExporter) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}

// Export sends rm in one request. The bytes are built before Export returns, so
// rm is not kept, as the Exporter contract asks.
func (e *MetricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	body, err := EncodeMetrics(rm)
	if err != nil {
		return err
	}
	return e.c.post(ctx, body)
}

// ForceFlush has nothing to flush: Export sends synchronously.
func (e *MetricExporter) ForceFlush(ctx context.Context) error { return ctx.Err() }

// Shutdown makes later exports fail.
func (e *MetricExporter) Shutdown(ctx context.Context) error { return e.c.shutdown(ctx) }

// EncodeMetrics encodes an ExportMetricsServiceRequest (collector/metrics/v1):
// resource_metrics = 1, one ResourceMetrics {resource = 1; scope_metrics = 2;
// schema_url = 3}. Exemplars are not encoded: nothing in this project records
// them, and the collector does not need them to accept the points.
func EncodeMetrics(rm *metricdata.ResourceMetrics) ([]byte, error) {
	var err error
	b := appendMessage(nil, 1, func(b []byte) []byte {
		b = appendResource(b, 1, rm.Resource)
		for _, sm := range rm.ScopeMetrics {
			// ScopeMetrics {scope = 1; metrics = 2; schema_url = 3}.
			b = appendMessage(b, 2, func(b []byte) []byte {
				b = appendScope(b, 1, sm.Scope)
				for _, m := range sm.Metrics {
					b = appendMessage(b, 2, func(b []byte) []byte {
						var e error
						b, e = appendMetric(b, m)
						if e != nil && err == nil {
							err = e
						}
						return b
					})
				}
				return appendString(b, 3, sm.Scope.SchemaURL)
			})
		}
		return appendString(b, 3, rm.Resource.SchemaURL())
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// temporality maps the SDK's Temporality (Cumulative 1, Delta 2) to
// metrics.proto's AggregationTemporality (DELTA 1, CUMULATIVE 2).
func temporality(t metricdata.Temporality) uint64 {
	switch t {
	case metricdata.CumulativeTemporality:
		return 2
	case metricdata.DeltaTemporality:
		return 1
	default:
		return 0
	}
}

// appendMetric appends the fields of a Metric (metrics.proto): name = 1,
// description = 2, unit = 3, and one of gauge = 5, sum = 7, histogram = 9,
// exponential_histogram = 10, summary = 11.
func appendMetric(b []byte, m metricdata.Metrics) ([]byte, error) {
	b = appendString(b, 1, m.Name)
	b = appendString(b, 2, m.Description)
	b = appendString(b, 3, m.Unit)
	switch d := m.Data.(type) {
	case metricdata.Gauge[int64]:
		return appendMessage(b, 5, func(b []byte) []byte { return appendNumberPoints(b, d.DataPoints) }), nil
	case metricdata.Gauge[float64]:
		return appendMessage(b, 5, func(b []byte) []byte { return appendNumberPoints(b, d.DataPoints) }), nil
	case metricdata.Sum[int64]:
		return appendSum(b, d), nil
	case metricdata.Sum[float64]:
		return appendSum(b, d), nil
	case metricdata.Histogram[int64]:
		return appendHistogram(b, d), nil
	case metricdata.Histogram[float64]:
		return appendHistogram(b, d), nil
	case metricdata.ExponentialHistogram[int64]:
		return appendExpHistogram(b, d), nil
	case metricdata.ExponentialHistogram[float64]:
		return appendExpHistogram(b, d), nil
	case metricdata.Summary:
		return appendSummary(b, d), nil
	default:
		return b, fmt.Errorf("otlp metric %q: unsupported aggregation %T", m.Name, m.Data)
	}
}

// Sum {data_points = 1; aggregation_temporality = 2; is_monotonic = 3}.
func appendSum[N int64 | float64](b []byte, d metricdata.Sum[N]) []byte {
	return appendMessage(b, 7, func(b []byte) []byte {
		b = appendNumberPoints(b, d.DataPoints)
		b = appendVarint(b, 2, temporality(d.Temporality))
		return appendVarint(b, 3, protowire.EncodeBool(d.IsMonotonic))
	})
}

// NumberDataPoint {start_time_unix_nano = 2; time_unix_nano = 3; as_double = 4;
// as_int = 6 (sfixed64); attributes = 7; flags = 8}; as_double/as_int is a
// oneof, written even when 0.
func appendNumberPoints[N int64 | float64](b []byte, pts []metricdata.DataPoint[N]) []byte {
	for _, p := range pts {
		b = appendMessage(b, 1, func(b []byte) []byte {
			b = appendFixed64(b, 2, unixNano(p.StartTime))
			b = appendFixed64(b, 3, unixNano(p.Time))
			switch v := any(p.Value).(type) {
			case int64:
				b = protowire.AppendTag(b, 6, protowire.Fixed64Type)
				b = protowire.AppendFixed64(b, uint64(v))
			case float64:
				b = appendOptionalDouble(b, 4, v)
			}
			return appendAttributeSet(b, 7, &p.Attributes)
		})
	}
	return b
}

// Histogram {data_points = 1; aggregation_temporality = 2}; HistogramDataPoint
// {start_time_unix_nano = 2; time_unix_nano = 3; count = 4; optional sum = 5;
// bucket_counts = 6 (packed fixed64); explicit_bounds = 7 (packed double);
// attributes = 9; optional min = 11; optional max = 12}.
func appendHistogram[N int64 | float64](b []byte, d metricdata.Histogram[N]) []byte {
	return appendMessage(b, 9, func(b []byte) []byte {
		for _, p := range d.DataPoints {
			b = appendMessage(b, 1, func(b []byte) []byte {
				b = appendFixed64(b, 2, unixNano(p.StartTime))
				b = appendFixed64(b, 3, unixNano(p.Time))
				b = appendFixed64(b, 4, p.Count)
				b = appendOptionalDouble(b, 5, float64(p.Sum))
				b = appendPackedFixed64(b, 6, p.BucketCounts, func(v uint64) uint64 { return v })
				b = appendPackedFixed64(b, 7, p.Bounds, mathFloat64bits)
				b = appendAttributeSet(b, 9, &p.Attributes)
				if v, ok := p.Min.Value(); ok {
					b = appendOptionalDouble(b, 11, float64(v))
				}
				if v, ok := p.Max.Value(); ok {
					b = appendOptionalDouble(b, 12, float64(v))
				}
				return b
			})
		}
		return appendVarint(b, 2, temporality(d.Temporality))
	})
}

// ExponentialHistogram {data_points = 1; aggregation_temporality = 2};
// ExponentialHistogramDataPoint {attributes = 1; start_time_unix_nano = 2;
// time_unix_nano = 3; count = 4; optional sum = 5; scale = 6 (sint32);
// zero_count = 7; positive = 8; negative = 9; optional min = 12;
// optional max = 13; zero_threshold = 14}; Buckets {offset = 1 (sint32);
// bucket_counts = 2 (packed uint64)}.
func appendExpHistogram[N int64 | float64](b []byte, d metricdata.ExponentialHistogram[N]) []byte {
	return appendMessage(b, 10, func(b []byte) []byte {
		for _, p := range d.DataPoints {
			b = appendMessage(b, 1, func(b []byte) []byte {
				b = appendAttributeSet(b, 1, &p.Attributes)
				b = appendFixed64(b, 2, unixNano(p.StartTime))
				b = appendFixed64(b, 3, unixNano(p.Time))
				b = appendFixed64(b, 4, p.Count)
				b = appendOptionalDouble(b, 5, float64(p.Sum))
				b = appendVarint(b, 6, protowire.EncodeZigZag(int64(p.Scale)))
				b = appendFixed64(b, 7, p.ZeroCount)
				b = appendBuckets(b, 8, p.PositiveBucket)
				b = appendBuckets(b, 9, p.NegativeBucket)
				if v, ok := p.Min.Value(); ok {
					b = appendOptionalDouble(b, 12, float64(v))
				}
				if v, ok := p.Max.Value(); ok {
					b = appendOptionalDouble(b, 13, float64(v))
				}
				return appendDouble(b, 14, p.ZeroThreshold)
			})
		}
		return appendVarint(b, 2, temporality(d.Temporality))
	})
}

func appendBuckets(b []byte, num protowire.Number, bk metricdata.ExponentialBucket) []byte {
	return appendMessage(b, num, func(b []byte) []byte {
		b = appendVarint(b, 1, protowire.EncodeZigZag(int64(bk.Offset)))
		if len(bk.Counts) == 0 {
			return b
		}
		return appendMessage(b, 2, func(b []byte) []byte {
			for _, c := range bk.Counts {
				b = protowire.AppendVarint(b, c)
			}
			return b
		})
	})
}

// Summary {data_points = 1}; SummaryDataPoint {start_time_unix_nano = 2;
// time_unix_nano = 3; count = 4; sum = 5; quantile_values = 6; attributes = 7};
// ValueAtQuantile {quantile = 1; value = 2}.
func appendSummary(b []byte, d metricdata.Summary) []byte {
	return appendMessage(b, 11, func(b []byte) []byte {
		for _, p := range d.DataPoints {
			b = appendMessage(b, 1, func(b []byte) []byte {
				b = appendFixed64(b, 2, unixNano(p.StartTime))
				b = appendFixed64(b, 3, unixNano(p.Time))
				b = appendFixed64(b, 4, p.Count)
				b = appendDouble(b, 5, p.Sum)
				for _, q := range p.QuantileValues {
					b = appendMessage(b, 6, func(b []byte) []byte {
						b = appendDouble(b, 1, q.Quantile)
						return appendDouble(b, 2, q.Value)
					})
				}
				return appendAttributeSet(b, 7, &p.Attributes)
			})
		}
		return b
	})
}

// appendPackedFixed64 appends a packed repeated 64-bit fixed field.
func appendPackedFixed64[T any](b []byte, num protowire.Number, vs []T, bits func(T) uint64) []byte {
	if len(vs) == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(8*len(vs)))
	for _, v := range vs {
		b = protowire.AppendFixed64(b, bits(v))
	}
	return b
}
