// Command goclient is the observation driver for Go's net/http client.
// It reads the jobs described in ../PROTOCOL.md from stdin and prints one JSON line per job.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"
)

const jobTimeout = 10 * time.Second

type step struct {
	Method   string            `json:"method"`
	URL      string            `json:"url"`
	Headers  map[string]string `json:"headers"`
	BodySize int               `json:"body_size"`
}

type job struct {
	ID     string  `json:"id"`
	Auth   *string `json:"auth"`
	Steps  []step  `json:"steps"`
}

type input struct {
	Client string `json:"client"`
	Jobs   []job  `json:"jobs"`
}

type result struct {
	Status *int    `json:"status"`
	OK     *bool   `json:"ok"`
	Error  *string `json:"error"`
	Length *int64  `json:"length"`
}

type jobOutput struct {
	ID      string   `json:"id"`
	Results []result `json:"results"`
}

var (
	urlPattern  = regexp.MustCompile(`(?i)"?https?://[^\s"]*"?`)
	addrPattern = regexp.MustCompile(`(?i)(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]*\]|localhost)(:\d+)?`)
	spaces      = regexp.MustCompile(`\s+`)
)

// errorName turns an error into a short stable name with no URL, address or port in it.
func errorName(err error) string {
	if err == nil {
		return ""
	}
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		inner = ue.Err
	}
	var te interface{ Timeout() bool }
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &te) && te.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNRESET):
		return "ECONNRESET"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "ECONNREFUSED"
	case errors.Is(err, syscall.EPIPE):
		return "EPIPE"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected EOF"
	case errors.Is(err, io.EOF):
		return "EOF"
	}
	text := inner.Error()
	if strings.Contains(text, "stopped after") && strings.HasSuffix(text, "redirects") {
		return text
	}
	text = strings.TrimPrefix(text, "net/http: HTTP/1.x transport connection broken: ")
	text = urlPattern.ReplaceAllString(text, "")
	text = addrPattern.ReplaceAllString(text, "")
	text = strings.TrimSpace(spaces.ReplaceAllString(text, " "))
	text = strings.Trim(text, ": ")
	if text == "" {
		text = fmt.Sprintf("%T", inner)
	}
	return text
}

func strp(s string) *string { return &s }
func boolp(b bool) *bool    { return &b }
func intp(i int) *int       { return &i }

func runStep(ctx context.Context, client *http.Client, j job, s step) (res result) {
	res.OK = boolp(false)
	defer func() {
		if r := recover(); r != nil {
			res.OK = boolp(false)
			res.Error = strp(errorName(fmt.Errorf("panic: %v", r)))
		}
	}()
	var body io.Reader
	if s.BodySize > 0 {
		body = bytes.NewReader(bytes.Repeat([]byte("x"), s.BodySize))
	}
	method := s.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL, body)
	if err != nil {
		res.Error = strp(errorName(err))
		return res
	}
	for name, value := range s.Headers {
		if strings.EqualFold(name, "Host") {
			req.Host = value
			continue
		}
		req.Header.Set(name, value)
	}
	if j.Auth != nil && *j.Auth != "" {
		user, pass, _ := strings.Cut(*j.Auth, ":")
		req.SetBasicAuth(user, pass)
	}
	resp, err := client.Do(req)
	if resp != nil {
		res.Status = intp(resp.StatusCode)
	}
	if err != nil {
		// With a failed CheckRedirect, Do returns the last response too, its body closed.
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		res.Error = strp(errorName(err))
		return res
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	res.Length = &n
	if err != nil {
		res.Error = strp(errorName(err))
		return res
	}
	res.OK = boolp(true)
	return res
}

func runJob(j job) (out jobOutput) {
	out.ID = j.ID
	out.Results = []result{}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	for _, s := range j.Steps {
		out.Results = append(out.Results, runStep(ctx, client, j, s))
	}
	return out
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]string{"version": strings.TrimPrefix(runtime.Version(), "go")})
	out.Flush()

	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "goclient: cannot read the jobs:", err)
		out.Flush()
		os.Exit(2)
	}
	for _, j := range in.Jobs {
		var o jobOutput
		func() {
			defer func() {
				if r := recover(); r != nil {
					o = jobOutput{ID: j.ID, Results: []result{{OK: boolp(false), Error: strp(fmt.Sprintf("panic: %v", r))}}}
				}
			}()
			o = runJob(j)
		}()
		enc.Encode(o)
		out.Flush()
	}
}
