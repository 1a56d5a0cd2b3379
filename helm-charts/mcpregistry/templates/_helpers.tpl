{{- define "reg.labels" -}}
app.kubernetes.io/name: {{ .Release.Name }}-api
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: toolhive
app.kubernetes.io/managed-by: mcp-operator
app.kubernetes.io/component: registry-api
{{- end -}}

{{- define "reg.selector" -}}
app.kubernetes.io/name: {{ .Release.Name }}-api
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: registry-api
{{- end -}}
