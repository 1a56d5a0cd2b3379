package otlp

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
)

// The tests decode the hand-written bytes with the generated OTLP types (test
// only) and compare them, field by field, with messages built from the input.

// every attribute type, including the zero values a oneof must still carry.
var allAttrs = []attribute.KeyValue{
	attribute.Bool("b", true),
	attribute.Bool("b0", false),
	attribute.Int64("i", -42),
	attribute.Int64("i0", 0),
	attribute.Float64("f", 3.5),
	attribute.Float64("f0", 0),
	attribute.String("s", "x"),
	attribute.String("s0", ""),
	attribute.BoolSlice("bs", []bool{true, false}),
	attribute.Int64Slice("is", []int64{1, 0, -1}),
	attribute.Float64Slice("fs", []float64{0.5, 0}),
	attribute.StringSlice("ss", []string{"a", ""}),
	attribute.ByteSlice("by", []byte{0, 1, 2}),
	attribute.Slice("sl", attribute.IntValue(7), attribute.StringValue("q")),
	attribute.Map("m", attribute.String("k", "v"), attribute.Int("n", 1)),
	{Key: "e"},
}

func anyOf(vs ...*commonpb.AnyValue) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: vs}}}
}
func sv(s string) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: s}}
}
func bv(v bool) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: v}}
}
func iv(v int64) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v}}
}
func dv(v float64) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: v}}
}
func kv(k string, v *commonpb.AnyValue) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: v}
}

// allAttrsPB is allAttrs as the OTLP types spell it.
var allAttrsPB = []*commonpb.KeyValue{
	kv("b", bv(true)), kv("b0", bv(false)),
	kv("i", iv(-42)), kv("i0", iv(0)),
	kv("f", dv(3.5)), kv("f0", dv(0)),
	kv("s", sv("x")), kv("s0", sv("")),
	kv("bs", anyOf(bv(true), bv(false))),
	kv("is", anyOf(iv(1), iv(0), iv(-1))),
	kv("fs", anyOf(dv(0.5), dv(0))),
	kv("ss", anyOf(sv("a"), sv(""))),
	kv("by", &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: []byte{0, 1, 2}}}),
	kv("sl", anyOf(iv(7), sv("q"))),
	kv("m", &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: []*commonpb.KeyValue{kv("k", sv("v")), kv("n", iv(1))}}}}),
	kv("e", &commonpb.AnyValue{}),
}

// setOf copies kvs first: attribute.NewSet sorts the slice it is given.
func setOf(kvs []attribute.KeyValue) attribute.Set {
	return attribute.NewSet(append([]attribute.KeyValue(nil), kvs...)...)
}

func sortedPB(kvs []*commonpb.KeyValue) []*commonpb.KeyValue {
	// attribute.Set orders by key; allAttrsPB is written in allAttrs' order.
	out := append([]*commonpb.KeyValue(nil), kvs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Key < out[i].Key {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestEncodeSpans(t *testing.T) {
	res := resource.NewWithAttributes("https://schema/res", attribute.String("service.name", "svc"), attribute.Int("n", 2))
	res2 := resource.NewSchemaless(attribute.String("service.name", "other"))
	scope := instrumentation.Scope{Name: "sc", Version: "1.2", SchemaURL: "https://schema/scope", Attributes: setOf(allAttrs)}
	scope2 := instrumentation.Scope{Name: "sc2"}
	ts, err := trace.ParseTraceState("k=v,a=b")
	if err != nil {
		t.Fatal(err)
	}
	tid := trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{1, 1, 1, 1, 1, 1, 1, 1}, TraceFlags: trace.FlagsSampled, TraceState: ts})
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{2, 2, 2, 2, 2, 2, 2, 2}, Remote: true})
	linked := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{9}, SpanID: trace.SpanID{9}, TraceFlags: trace.FlagsSampled, TraceState: ts, Remote: true})
	start := time.Unix(1700000000, 123456789)
	stubs := tracetest.SpanStubs{
		{
			Name: "full", SpanContext: sc, Parent: parent, SpanKind: trace.SpanKindServer,
			StartTime: start, EndTime: start.Add(time.Second), Attributes: allAttrs,
			Events:            []sdktrace.Event{{Name: "ev", Attributes: allAttrs[:3], DroppedAttributeCount: 4, Time: start.Add(time.Millisecond)}},
			Links:             []sdktrace.Link{{SpanContext: linked, Attributes: allAttrs[3:5], DroppedAttributeCount: 5}},
			Status:            sdktrace.Status{Code: codes.Error, Description: "boom"},
			DroppedAttributes: 1, DroppedEvents: 2, DroppedLinks: 3, ChildSpanCount: 4,
			Resource: res, InstrumentationScope: scope,
		},
		{Name: "ok", SpanContext: sc, SpanKind: trace.SpanKindClient, Status: sdktrace.Status{Code: codes.Ok}, Resource: res, InstrumentationScope: scope2},
		{Name: "same-scope", SpanContext: sc, SpanKind: trace.SpanKindInternal, Resource: res, InstrumentationScope: scope},
		{Name: "other-res", SpanContext: sc, SpanKind: trace.SpanKindConsumer, Resource: res2, InstrumentationScope: scope2},
	}
	got := &coltracepb.ExportTraceServiceRequest{}
	if err := proto.Unmarshal(EncodeSpans(stubs.Snapshots()), got); err != nil {
		t.Fatalf("decode: %v", err)
	}

	simple := func(name string, kind tracepb.Span_SpanKind, st *tracepb.Status) *tracepb.Span {
		return &tracepb.Span{TraceId: tid[:], SpanId: []byte{1, 1, 1, 1, 1, 1, 1, 1}, TraceState: "k=v,a=b", Name: name, Kind: kind, Status: st, Flags: 0x101}
	}
	full := &tracepb.Span{
		TraceId: tid[:], SpanId: []byte{1, 1, 1, 1, 1, 1, 1, 1}, TraceState: "k=v,a=b", ParentSpanId: []byte{2, 2, 2, 2, 2, 2, 2, 2},
		Flags: 0x301, Name: "full", Kind: tracepb.Span_SPAN_KIND_SERVER,
		StartTimeUnixNano: uint64(start.UnixNano()), EndTimeUnixNano: uint64(start.Add(time.Second).UnixNano()),
		Attributes: allAttrsPB, DroppedAttributesCount: 1,
		Events:             []*tracepb.Span_Event{{TimeUnixNano: uint64(start.Add(time.Millisecond).UnixNano()), Name: "ev", Attributes: allAttrsPB[:3], DroppedAttributesCount: 4}},
		DroppedEventsCount: 2,
		Links:              []*tracepb.Span_Link{{TraceId: []byte{9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, SpanId: []byte{9, 0, 0, 0, 0, 0, 0, 0}, TraceState: "k=v,a=b", Attributes: allAttrsPB[3:5], DroppedAttributesCount: 5, Flags: 0x301}},
		DroppedLinksCount:  3,
		Status:             &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: "boom"},
	}
	scopePB := &commonpb.InstrumentationScope{Name: "sc", Version: "1.2", Attributes: sortedPB(allAttrsPB)}
	want := &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{
		{
			Resource:  &resourcepb.Resource{Attributes: []*commonpb.KeyValue{kv("n", iv(2)), kv("service.name", sv("svc"))}},
			SchemaUrl: "https://schema/res",
			ScopeSpans: []*tracepb.ScopeSpans{
				{Scope: scopePB, SchemaUrl: "https://schema/scope", Spans: []*tracepb.Span{full, simple("same-scope", tracepb.Span_SPAN_KIND_INTERNAL, &tracepb.Status{})}},
				{Scope: &commonpb.InstrumentationScope{Name: "sc2"}, Spans: []*tracepb.Span{simple("ok", tracepb.Span_SPAN_KIND_CLIENT, &tracepb.Status{Code: tracepb.Status_STATUS_CODE_OK})}},
			},
		},
		{
			Resource:   &resourcepb.Resource{Attributes: []*commonpb.KeyValue{kv("service.name", sv("other"))}},
			ScopeSpans: []*tracepb.ScopeSpans{{Scope: &commonpb.InstrumentationScope{Name: "sc2"}, Spans: []*tracepb.Span{simple("other-res", tracepb.Span_SPAN_KIND_CONSUMER, &tracepb.Status{})}}},
		},
	}}
	if d := cmp.Diff(want, got, protocmp.Transform()); d != "" {
		t.Errorf("decoded request differs (-want +got):\n%s", d)
	}
}

func TestEncodeMetrics(t *testing.T) {
	t0, t1 := time.Unix(1700000000, 1), time.Unix(1700000010, 2)
	set := setOf(allAttrs)
	one := attribute.NewSet(attribute.String("k", "v"))
	rm := &metricdata.ResourceMetrics{
		Resource: resource.NewWithAttributes("https://schema/res", attribute.String("service.name", "svc")),
		ScopeMetrics: []metricdata.ScopeMetrics{{
			Scope: instrumentation.Scope{Name: "sc", Version: "v", SchemaURL: "https://schema/scope", Attributes: one},
			Metrics: []metricdata.Metrics{
				{Name: "sum_i", Description: "d", Unit: "1", Data: metricdata.Sum[int64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: true, DataPoints: []metricdata.DataPoint[int64]{{Attributes: set, StartTime: t0, Time: t1, Value: -5}, {Attributes: one, StartTime: t0, Time: t1, Value: 0}}}},
				{Name: "sum_f", Data: metricdata.Sum[float64]{Temporality: metricdata.DeltaTemporality, DataPoints: []metricdata.DataPoint[float64]{{StartTime: t0, Time: t1, Value: 0.25}}}},
				{Name: "gauge_i", Data: metricdata.Gauge[int64]{DataPoints: []metricdata.DataPoint[int64]{{Time: t1, Value: math.MaxInt64}}}},
				{Name: "gauge_f", Data: metricdata.Gauge[float64]{DataPoints: []metricdata.DataPoint[float64]{{Time: t1, Value: 0}}}},
				{Name: "hist_f", Unit: "s", Data: metricdata.Histogram[float64]{Temporality: metricdata.CumulativeTemporality, DataPoints: []metricdata.HistogramDataPoint[float64]{
					{Attributes: one, StartTime: t0, Time: t1, Count: 6, Bounds: []float64{0, 0.5, 1}, BucketCounts: []uint64{1, 2, 0, 3}, Min: metricdata.NewExtrema(-1.0), Max: metricdata.NewExtrema(7.5), Sum: 9.25},
					{StartTime: t0, Time: t1, Count: 0, BucketCounts: []uint64{0}},
				}}},
				{Name: "hist_i", Data: metricdata.Histogram[int64]{Temporality: metricdata.DeltaTemporality, DataPoints: []metricdata.HistogramDataPoint[int64]{
					{StartTime: t0, Time: t1, Count: 2, Bounds: []float64{10}, BucketCounts: []uint64{1, 1}, Min: metricdata.NewExtrema[int64](0), Max: metricdata.NewExtrema[int64](20), Sum: 20},
				}}},
				{Name: "exp_f", Data: metricdata.ExponentialHistogram[float64]{Temporality: metricdata.CumulativeTemporality, DataPoints: []metricdata.ExponentialHistogramDataPoint[float64]{
					{Attributes: one, StartTime: t0, Time: t1, Count: 7, Scale: -2, ZeroCount: 1, ZeroThreshold: 0.001, Sum: 3.5, Min: metricdata.NewExtrema(-2.0), Max: metricdata.NewExtrema(4.0),
						PositiveBucket: metricdata.ExponentialBucket{Offset: -3, Counts: []uint64{1, 300, 0}}, NegativeBucket: metricdata.ExponentialBucket{Offset: 2, Counts: []uint64{2}}},
				}}},
				{Name: "summary", Data: metricdata.Summary{DataPoints: []metricdata.SummaryDataPoint{{Attributes: one, StartTime: t0, Time: t1, Count: 3, Sum: 1.5, QuantileValues: []metricdata.QuantileValue{{Quantile: 0, Value: 0.1}, {Quantile: 1, Value: 0.9}}}}}},
			},
		}},
	}
	b, err := EncodeMetrics(rm)
	if err != nil {
		t.Fatal(err)
	}
	got := &colmetricpb.ExportMetricsServiceRequest{}
	if err := proto.Unmarshal(b, got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	n0, n1 := uint64(t0.UnixNano()), uint64(t1.UnixNano())
	onePB := []*commonpb.KeyValue{kv("k", sv("v"))}
	f := func(v float64) *float64 { return &v }
	cum, delta := metricpb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE, metricpb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA
	intPt := func(attrs []*commonpb.KeyValue, start uint64, v int64) *metricpb.NumberDataPoint {
		return &metricpb.NumberDataPoint{Attributes: attrs, StartTimeUnixNano: start, TimeUnixNano: n1, Value: &metricpb.NumberDataPoint_AsInt{AsInt: v}}
	}
	dblPt := func(start uint64, v float64) *metricpb.NumberDataPoint {
		return &metricpb.NumberDataPoint{StartTimeUnixNano: start, TimeUnixNano: n1, Value: &metricpb.NumberDataPoint_AsDouble{AsDouble: v}}
	}
	want := &colmetricpb.ExportMetricsServiceRequest{ResourceMetrics: []*metricpb.ResourceMetrics{{
		Resource:  &resourcepb.Resource{Attributes: []*commonpb.KeyValue{kv("service.name", sv("svc"))}},
		SchemaUrl: "https://schema/res",
		ScopeMetrics: []*metricpb.ScopeMetrics{{
			Scope:     &commonpb.InstrumentationScope{Name: "sc", Version: "v", Attributes: onePB},
			SchemaUrl: "https://schema/scope",
			Metrics: []*metricpb.Metric{
				{Name: "sum_i", Description: "d", Unit: "1", Data: &metricpb.Metric_Sum{Sum: &metricpb.Sum{AggregationTemporality: cum, IsMonotonic: true, DataPoints: []*metricpb.NumberDataPoint{intPt(sortedPB(allAttrsPB), n0, -5), intPt(onePB, n0, 0)}}}},
				{Name: "sum_f", Data: &metricpb.Metric_Sum{Sum: &metricpb.Sum{AggregationTemporality: delta, DataPoints: []*metricpb.NumberDataPoint{dblPt(n0, 0.25)}}}},
				{Name: "gauge_i", Data: &metricpb.Metric_Gauge{Gauge: &metricpb.Gauge{DataPoints: []*metricpb.NumberDataPoint{intPt(nil, 0, math.MaxInt64)}}}},
				{Name: "gauge_f", Data: &metricpb.Metric_Gauge{Gauge: &metricpb.Gauge{DataPoints: []*metricpb.NumberDataPoint{dblPt(0, 0)}}}},
				{Name: "hist_f", Unit: "s", Data: &metricpb.Metric_Histogram{Histogram: &metricpb.Histogram{AggregationTemporality: cum, DataPoints: []*metricpb.HistogramDataPoint{
					{Attributes: onePB, StartTimeUnixNano: n0, TimeUnixNano: n1, Count: 6, Sum: f(9.25), BucketCounts: []uint64{1, 2, 0, 3}, ExplicitBounds: []float64{0, 0.5, 1}, Min: f(-1), Max: f(7.5)},
					{StartTimeUnixNano: n0, TimeUnixNano: n1, Sum: f(0), BucketCounts: []uint64{0}},
				}}}},
				{Name: "hist_i", Data: &metricpb.Metric_Histogram{Histogram: &metricpb.Histogram{AggregationTemporality: delta, DataPoints: []*metricpb.HistogramDataPoint{
					{StartTimeUnixNano: n0, TimeUnixNano: n1, Count: 2, Sum: f(20), BucketCounts: []uint64{1, 1}, ExplicitBounds: []float64{10}, Min: f(0), Max: f(20)},
				}}}},
				{Name: "exp_f", Data: &metricpb.Metric_ExponentialHistogram{ExponentialHistogram: &metricpb.ExponentialHistogram{AggregationTemporality: cum, DataPoints: []*metricpb.ExponentialHistogramDataPoint{
					{Attributes: onePB, StartTimeUnixNano: n0, TimeUnixNano: n1, Count: 7, Sum: f(3.5), Scale: -2, ZeroCount: 1, ZeroThreshold: 0.001, Min: f(-2), Max: f(4),
						Positive: &metricpb.ExponentialHistogramDataPoint_Buckets{Offset: -3, BucketCounts: []uint64{1, 300, 0}},
						Negative: &metricpb.ExponentialHistogramDataPoint_Buckets{Offset: 2, BucketCounts: []uint64{2}}},
				}}}},
				{Name: "summary", Data: &metricpb.Metric_Summary{Summary: &metricpb.Summary{DataPoints: []*metricpb.SummaryDataPoint{
					{Attributes: onePB, StartTimeUnixNano: n0, TimeUnixNano: n1, Count: 3, Sum: 1.5, QuantileValues: []*metricpb.SummaryDataPoint_ValueAtQuantile{{Quantile: 0, Value: 0.1}, {Quantile: 1, Value: 0.9}}},
				}}}},
			},
		}},
	}}}
	if d := cmp.Diff(want, got, protocmp.Transform()); d != "" {
		t.Errorf("decoded request differs (-want +got):\n%s", d)
	}
}

// An aggregation the encoder does not know is an error, not a silently dropped metric.
type otherAggregation struct{ metricdata.Aggregation }

func TestEncodeMetricsRejectsUnknownAggregation(t *testing.T) {
	rm := &metricdata.ResourceMetrics{ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{{Name: "odd", Data: otherAggregation{}}}}}}
	if _, err := EncodeMetrics(rm); err == nil {
		t.Fatal("EncodeMetrics accepted an unknown aggregation")
	}
}
