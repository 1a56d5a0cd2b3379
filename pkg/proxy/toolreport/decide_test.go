package toolreport

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalize(t *testing.T) {
	tests := map[string]struct {
		in, want []string
	}{
		"nil is an empty list": {in: nil, want: []string{}},
		"sorted":               {in: []string{"read_graph", "create_entities"}, want: []string{"create_entities", "read_graph"}},
		"duplicates and empty": {in: []string{"b", "", "a", "b"}, want: []string{"a", "b"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, Normalize(tc.in)); d != "" {
				t.Errorf("Normalize (-want +got):\n%s", d)
			}
		})
	}
}

func TestNeedsApply(t *testing.T) {
	tests := map[string]struct {
		current    []string
		known      bool
		discovered []string
		want       bool
	}{
		"unknown object state":      {known: false, discovered: []string{"a"}, want: true},
		"absent, none discovered":   {current: nil, known: true, discovered: []string{}, want: false},
		"absent, some discovered":   {current: nil, known: true, discovered: []string{"a"}, want: true},
		"same":                      {current: []string{"a", "b"}, known: true, discovered: []string{"a", "b"}, want: false},
		"same, stored unsorted":     {current: []string{"b", "a"}, known: true, discovered: []string{"a", "b"}, want: false},
		"tool added":                {current: []string{"a"}, known: true, discovered: []string{"a", "b"}, want: true},
		"tool removed":              {current: []string{"a", "b"}, known: true, discovered: []string{"a"}, want: true},
		"all removed":               {current: []string{"a"}, known: true, discovered: []string{}, want: true},
		"renamed, same length":      {current: []string{"a"}, known: true, discovered: []string{"b"}, want: true},
		"unknown, none discovered":  {known: false, discovered: []string{}, want: true},
		"stored has a duplicate":    {current: []string{"a", "a"}, known: true, discovered: []string{"a"}, want: false},
		"stored empty, none found":  {current: []string{}, known: true, discovered: []string{}, want: false},
		"stored empty, one found":   {current: []string{}, known: true, discovered: []string{"x"}, want: true},
		"discovered is a subset":    {current: []string{"a", "b", "c"}, known: true, discovered: []string{"a", "c"}, want: true},
		"discovered is a superset":  {current: []string{"b"}, known: true, discovered: []string{"a", "b"}, want: true},
		"case differs":              {current: []string{"A"}, known: true, discovered: []string{"a"}, want: true},
		"long list, last differs":   {current: []string{"a", "b", "c", "d"}, known: true, discovered: []string{"a", "b", "c", "e"}, want: true},
		"long list, identical":      {current: []string{"a", "b", "c", "d"}, known: true, discovered: []string{"a", "b", "c", "d"}, want: false},
		"unknown, same as stored":   {current: []string{"a"}, known: false, discovered: []string{"a"}, want: true},
		"unknown, stored is absent": {current: nil, known: false, discovered: []string{"a"}, want: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := NeedsApply(tc.current, tc.known, tc.discovered); got != tc.want {
				t.Errorf("NeedsApply(%v, %v, %v) = %v, want %v", tc.current, tc.known, tc.discovered, got, tc.want)
			}
		})
	}
}

// fakeStore records applies; a fake is fine for this one decision.
type fakeStore struct {
	current    []string
	readErr    error
	applyErrs  []error
	applied    [][]string
	readsCount int
}

func (f *fakeStore) Current(context.Context) ([]string, error) {
	f.readsCount++
	return f.current, f.readErr
}

func (f *fakeStore) Apply(_ context.Context, tools []string) error {
	if len(f.applyErrs) > 0 {
		err := f.applyErrs[0]
		f.applyErrs = f.applyErrs[1:]
		if err != nil {
			return err
		}
	}
	f.applied = append(f.applied, tools)
	f.current = tools
	return nil
}

func TestReportWritesOnlyChanges(t *testing.T) {
	boom := errors.New("boom")
	tests := map[string]struct {
		store       fakeStore
		reports     [][]string
		wantApplied [][]string
		wantReads   int
		wantErrs    int
	}{
		"already stored: no write": {
			store: fakeStore{current: []string{"a", "b"}}, reports: [][]string{{"a", "b"}, {"a", "b"}},
			wantApplied: nil, wantReads: 1,
		},
		"first write then only on change": {
			store: fakeStore{}, reports: [][]string{{"a"}, {"a"}, {"a", "b"}, {"a", "b"}},
			wantApplied: [][]string{{"a"}, {"a", "b"}}, wantReads: 1,
		},
		"unreadable object: write anyway, read again later": {
			store: fakeStore{readErr: boom}, reports: [][]string{{"a"}},
			wantApplied: [][]string{{"a"}}, wantReads: 1,
		},
		"failed write is retried on the next report": {
			store: fakeStore{applyErrs: []error{boom}}, reports: [][]string{{"a"}, {"a"}},
			wantApplied: [][]string{{"a"}}, wantReads: 2, wantErrs: 1,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			st := tc.store
			r := New(Options{Store: &st})
			errs := 0
			for _, tools := range tc.reports {
				if err := r.report(context.Background(), tools); err != nil {
					errs++
				}
			}
			if d := cmp.Diff(tc.wantApplied, st.applied); d != "" {
				t.Errorf("applied (-want +got):\n%s", d)
			}
			if st.readsCount != tc.wantReads || errs != tc.wantErrs {
				t.Errorf("reads %d errors %d, want %d and %d", st.readsCount, errs, tc.wantReads, tc.wantErrs)
			}
		})
	}
}
