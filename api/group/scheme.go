package group

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SchemeBuilder collects the kinds of one API version and adds them to a scheme. It
// does what controller-runtime's scheme.Builder does, on apimachinery alone, so that
// vmcp, which reads the typed API in Kubernetes mode, does not link controller-runtime.
type SchemeBuilder struct {
	GroupVersion schema.GroupVersion
	objects      []runtime.Object
}

// Register adds kinds (each object and its list) to the version.
func (b *SchemeBuilder) Register(objects ...runtime.Object) *SchemeBuilder {
	b.objects = append(b.objects, objects...)
	return b
}

// AddToScheme adds every registered kind, and the version's meta types, to s.
func (b *SchemeBuilder) AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(b.GroupVersion, b.objects...)
	metav1.AddToGroupVersion(s, b.GroupVersion)
	return nil
}
