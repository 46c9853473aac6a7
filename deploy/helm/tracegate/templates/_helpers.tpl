{{/* The release's name, cut to the 63 characters Kubernetes allows. */}}
{{- define "tracegate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tracegate.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tracegate.labels" -}}
{{ include "tracegate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The listeners the configuration turns on, with the gateway's default ports (docs/configuration.md). */}}
{{- define "tracegate.listeners" -}}
{{- $defaults := dict "postgres" 6432 "api" 8080 "http" 8443 "ssh" 2222 -}}
{{- $listeners := dict -}}
{{- range $name, $port := $defaults -}}
{{- with (get ($.Values.config.listeners | default dict) $name) -}}
{{- $_ := set $listeners $name (.port | default $port) -}}
{{- end -}}
{{- end -}}
{{- toJson $listeners -}}
{{- end -}}
