package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/placard/placard/internal/proctest"
)

// nginxBinary finds Debian's nginx; without it the test skips (saying
// what goes untested without it), or fails under CI=true.
func nginxBinary(t *testing.T, untested string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr == nil {
			return "/usr/sbin/nginx"
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("nginx is not installed (apt-get install nginx): %v", err)
		}
		t.Skipf("nginx is not installed (apt-get install nginx), so %s: %v", untested, err)
	}
	return bin
}

// nginxServer is nginx running in the foreground for one test.
type nginxServer struct {
	base   string // http://127.0.0.1:port
	prefix string // its temp folder: configuration, pid file, logs
	pid    int    // the master, which leads the process group
	stop   func() // graceful stop, wait, leftovers check; t.Cleanup calls it too
}

// runNginx runs nginx in the foreground (master and workers workers in a
// process group of their own, a temp prefix, a free loopback port) with
// server inside its http block after the lines every test shares, given
// the port. It returns once GET /robots.txt answers 200. The test's
// cleanup stops it gracefully (SIGQUIT: the master waits for its workers),
// kills whatever of the group is left, and fails the test if /proc still
// shows any of it.
func runNginx(t *testing.T, bin string, workers, connections int, server func(port int) string) *nginxServer {
	t.Helper()
	prefix := t.TempDir()
	for _, d := range []string{"logs", "tmp"} {
		if err := os.MkdirAll(filepath.Join(prefix, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := fmt.Sprintf(`worker_processes %[2]d;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log warn;
events { worker_connections %[3]d; }
http {
	access_log off;
	client_body_temp_path %[1]s/tmp/body;
	proxy_temp_path %[1]s/tmp/proxy;
	fastcgi_temp_path %[1]s/tmp/fastcgi;
	uwsgi_temp_path %[1]s/tmp/uwsgi;
	scgi_temp_path %[1]s/tmp/scgi;
%[4]s}
`, prefix, workers, connections, server(port))
	if err := os.WriteFile(filepath.Join(prefix, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", prefix, "-e", filepath.Join(prefix, "logs", "error.log"),
		"-c", filepath.Join(prefix, "nginx.conf"), "-g", "daemon off;")
	var errs bytes.Buffer
	cmd.Stderr = &errs
	proctest.OwnGroup(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	n := &nginxServer{base: fmt.Sprintf("http://127.0.0.1:%d", port), prefix: prefix, pid: cmd.Process.Pid}
	var once sync.Once
	n.stop = func() {
		once.Do(func() {
			proctest.Stop(t, n.pid, syscall.SIGQUIT, 30*time.Second, exited, prefix)
		})
	}
	t.Cleanup(n.stop)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(n.base + "/robots.txt")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return n
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(prefix, "logs", "error.log"))
			t.Fatalf("nginx did not answer within 30 s: %v\n%s\n%s", err, errs.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNginxLeavesNothing: stopping a test's nginx ends its workers too.
// The nginx tests used to SIGKILL the master alone, and each CI run left
// two `nginx: worker process` running for good, re-parented to PID 1 and
// still listening on their test's port.
func TestNginxLeavesNothing(t *testing.T) {
	bin := nginxBinary(t, "stopping nginx is not checked")
	n := runNginx(t, bin, 2, 16, func(port int) string {
		return fmt.Sprintf("\tserver {\n\t\tlisten 127.0.0.1:%d;\n\t\tlocation / { return 200 \"ok\\n\"; }\n\t}\n", port)
	})
	workers := proctest.Children(n.pid)
	if len(workers) != 2 {
		t.Fatalf("nginx runs %d workers, want the 2 its configuration asks for:\n%s", len(workers), proctest.List(workers))
	}
	n.stop()
	for _, w := range workers {
		if !proctest.Gone(w.PID) {
			t.Errorf("nginx worker %d still runs after its test stopped nginx", w.PID)
		}
	}
	if left := proctest.Alive(n.pid, n.prefix); len(left) > 0 {
		t.Errorf("processes of the test's nginx still run after it was stopped:\n%s", proctest.List(left))
	}
}
