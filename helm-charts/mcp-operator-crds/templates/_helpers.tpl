{{/*
mcp-operator-crds.labels are the labels every CRD carries: the chart's own, then the user's.
*/}}
{{- define "mcp-operator-crds.labels" -}}
app.kubernetes.io/name: mcp-operator
app.kubernetes.io/component: crds
app.kubernetes.io/part-of: mcp-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}
