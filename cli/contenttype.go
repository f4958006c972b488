package cli

import (
	"mime"
	"path/filepath"
	"strings"
)

// commonTypes maps file extensions to the content types the reference
// implementation's MIME table gives them, so that `hash udf FILE` without
// --cty hashes the same content type string. Anything else falls back to
// the system MIME table and then to application/octet-stream. The content
// type is part of the fingerprint: pass --cty when it matters.
var commonTypes = map[string]string{
	".txt":  "text/plain",
	".htm":  "text/html",
	".html": "text/html",
	".css":  "text/css",
	".csv":  "text/csv",
	".xml":  "text/xml",
	".json": "application/json",
	".js":   "application/javascript",
	".pdf":  "application/pdf",
	".zip":  "application/x-zip-compressed",
	".gif":  "image/gif",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".svg":  "image/svg+xml",
	".mp3":  "audio/mpeg",
	".mp4":  "video/mp4",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// contentTypeOf returns the content type for a file name, by extension.
func contentTypeOf(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := commonTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		if i := strings.IndexByte(t, ';'); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
		return t
	}
	return "application/octet-stream"
}
