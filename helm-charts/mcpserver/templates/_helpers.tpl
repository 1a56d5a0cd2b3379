{{/* Labels shared by every object; pods add component. */}}
{{- define "mcp.labels" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: toolhive
app.kubernetes.io/managed-by: mcp-operator
{{- end -}}

{{/* Selector of the proxy runner pods. */}}
{{- define "mcp.proxySelector" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: proxy
{{- end -}}

{{/* Selector of the MCP server pods. */}}
{{- define "mcp.backendSelector" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: mcp
{{- end -}}

{{- define "mcp.proxySA" -}}{{ .Release.Name }}-proxy-runner{{- end -}}

{{/* Restricted container security context (Pod Security "restricted"). */}}
{{- define "mcp.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "mcp.podSecurity" -}}
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end -}}
