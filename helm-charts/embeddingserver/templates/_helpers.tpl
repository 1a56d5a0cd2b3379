{{- define "emb.labels" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: toolhive
app.kubernetes.io/managed-by: mcp-operator
app.kubernetes.io/component: embedding-server
{{- end -}}

{{- define "emb.selector" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: embedding-server
{{- end -}}
