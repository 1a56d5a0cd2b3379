// Package otlp exports spans and metrics over OTLP/HTTP in the protobuf encoding,
// written by hand with protowire. The SDK's otlptracehttp and otlpmetrichttp
// exporters marshal through the generated OTLP types, which bring gRPC, genproto,
// grpc-gateway and the protobuf runtime (111 packages, ~2 MB of idle RSS) into
// vmcp and the proxy runner; protowire alone brings three small packages.
//
// Field numbers are those of opentelemetry-proto (common.proto, resource.proto,
// trace.proto, metrics.proto, collector/*/service.proto). The tests decode the
// bytes with the generated types to prove them.
package otlp

import (
	"math"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	"google.golang.org/protobuf/encoding/protowire"
)

// appendMessage appends field num holding the message that f appends. The message
// is written in place and then shifted right by the size of its length prefix,
// which is known only once it is written; this keeps one buffer for the request.
func appendMessage(b []byte, num protowire.Number, f func([]byte) []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	start := len(b)
	b = f(b)
	n := len(b) - start
	sz := protowire.SizeVarint(uint64(n))
	b = append(b, make([]byte, sz)...)
	copy(b[start+sz:], b[start:start+n])
	protowire.AppendVarint(b[:start], uint64(n))
	return b
}

// The append* helpers below omit proto3 default values, as a protobuf marshaller does.

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytes(b []byte, num protowire.Number, v []byte) []byte {
	if len(v) == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendVarint(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendFixed64(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, v)
}

func appendFixed32(b []byte, num protowire.Number, v uint32) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, v)
}

func mathFloat64bits(v float64) uint64 { return math.Float64bits(v) }

func appendDouble(b []byte, num protowire.Number, v float64) []byte {
	return appendFixed64(b, num, math.Float64bits(v))
}

// appendOptionalDouble appends a proto3 `optional double`, present even when 0.
func appendOptionalDouble(b []byte, num protowire.Number, v float64) []byte {
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, math.Float64bits(v))
}

// unixNano is t in nanoseconds since the epoch, 0 for the zero time (which OTLP
// reads as unknown) and for times before the epoch, which a fixed64 cannot hold.
func unixNano(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(max(0, t.UnixNano()))
}

// common.proto: KeyValue {key = 1; value = 2}.
func appendKeyValue(b []byte, num protowire.Number, kv attribute.KeyValue) []byte {
	return appendMessage(b, num, func(b []byte) []byte {
		b = appendString(b, 1, string(kv.Key))
		return appendMessage(b, 2, func(b []byte) []byte { return appendAnyValue(b, kv.Value) })
	})
}

func appendAttributes(b []byte, num protowire.Number, kvs []attribute.KeyValue) []byte {
	for _, kv := range kvs {
		b = appendKeyValue(b, num, kv)
	}
	return b
}

func appendAttributeSet(b []byte, num protowire.Number, set *attribute.Set) []byte {
	for it := set.Iter(); it.Next(); {
		b = appendKeyValue(b, num, it.Attribute())
	}
	return b
}

// appendAnyValue appends the fields of an AnyValue (common.proto): a oneof of
// string_value = 1, bool_value = 2, int_value = 3, double_value = 4,
// array_value = 5 (ArrayValue {values = 1}), kvlist_value = 6
// (KeyValueList {values = 1}), bytes_value = 7. A oneof member is written even
// when it holds its zero value, since its presence says which type the value is.
func appendAnyValue(b []byte, v attribute.Value) []byte {
	switch v.Type() {
	case attribute.BOOL:
		return appendBool(b, v.AsBool())
	case attribute.INT64:
		return appendInt(b, v.AsInt64())
	case attribute.FLOAT64:
		return appendFloat(b, v.AsFloat64())
	case attribute.STRING:
		return appendStr(b, v.AsString())
	case attribute.BYTESLICE:
		b = protowire.AppendTag(b, 7, protowire.BytesType)
		return protowire.AppendBytes(b, v.AsByteSlice())
	case attribute.BOOLSLICE:
		return appendArray(b, v.AsBoolSlice(), appendBool)
	case attribute.INT64SLICE:
		return appendArray(b, v.AsInt64Slice(), appendInt)
	case attribute.FLOAT64SLICE:
		return appendArray(b, v.AsFloat64Slice(), appendFloat)
	case attribute.STRINGSLICE:
		return appendArray(b, v.AsStringSlice(), appendStr)
	case attribute.SLICE:
		return appendArray(b, v.AsSlice(), appendAnyValue)
	case attribute.MAP:
		return appendMessage(b, 6, func(b []byte) []byte { return appendAttributes(b, 1, v.AsMap()) })
	default:
		// EMPTY (and any type added later): an AnyValue with no member set, OTLP's
		// empty value.
		return b
	}
}

func appendBool(b []byte, v bool) []byte {
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	return protowire.AppendVarint(b, protowire.EncodeBool(v))
}

func appendInt(b []byte, v int64) []byte {
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

func appendFloat(b []byte, v float64) []byte {
	b = protowire.AppendTag(b, 4, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, math.Float64bits(v))
}

func appendStr(b []byte, v string) []byte {
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	return protowire.AppendString(b, v)
}

func appendArray[T any](b []byte, vs []T, elem func([]byte, T) []byte) []byte {
	return appendMessage(b, 5, func(b []byte) []byte {
		for _, v := range vs {
			b = appendMessage(b, 1, func(b []byte) []byte { return elem(b, v) })
		}
		return b
	})
}

// resource.proto: Resource {attributes = 1; dropped_attributes_count = 2}.
func appendResource(b []byte, num protowire.Number, res *resource.Resource) []byte {
	return appendMessage(b, num, func(b []byte) []byte {
		set := res.Set() // a nil Resource gives the empty set
		return appendAttributeSet(b, 1, set)
	})
}

// common.proto: InstrumentationScope {name = 1; version = 2; attributes = 3;
// dropped_attributes_count = 4}.
func appendScope(b []byte, num protowire.Number, s instrumentation.Scope) []byte {
	return appendMessage(b, num, func(b []byte) []byte {
		b = appendString(b, 1, s.Name)
		b = appendString(b, 2, s.Version)
		return appendAttributeSet(b, 3, &s.Attributes)
	})
}
