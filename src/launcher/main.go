// Command spire-aws-kms-keymanager-static is the launcher of spire-aws-kms-keymanager for hosts
// and images without a shell, such as SPIRE's own FROM-scratch server image. It does what the
// shell launcher bin/spire-aws-kms-keymanager does: it finds Java (the runtime bundled in the
// distribution first), refuses any jar but the one whose SHA-256 was pinned in at build time, and
// execs the JVM, so that the process SPIRE signals and kills is the JVM itself.
//
// go-plugin reads the plugin's first line on stdout as its handshake: nothing here writes to
// stdout. Every message goes to stderr.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

const (
	name      = "spire-aws-kms-keymanager"
	envPrefix = "SPIRE_AWS_KMS_KEYMANAGER_"
)

// jarSHA256 is the SHA-256 of lib/spire-aws-kms-keymanager.jar, set at build time with
// -ldflags "-X main.jarSHA256=...".
var jarSHA256 string

// fail prints a message the way go-plugin logs a plain stderr line at Error level, and exits 1.
func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[ERROR] %s: %s\n", name, fmt.Sprintf(format, args...))
	os.Exit(1)
}

// launch is everything the launcher works out before it starts the JVM.
type launch struct {
	self   string // this executable, resolved
	java   java
	jar    string
	digest string
	opts   []string // JVM options before the archive option
	args   []string // the plugin's arguments
}

func main() {
	l := prepare(os.Args)
	switch os.Getenv(stageVar) {
	case stageSpawn:
		l.spawnTrainer()
		return
	case stageTrain:
		l.train()
		return
	}
	archiveOpts := l.archive()
	opts := concat(l.opts, archiveOpts, splitOpts(os.Getenv(envPrefix+"JAVA_OPTS")), []string{"-jar", l.jar}, l.args)
	prog, argv := l.java.command(opts...)
	err := syscall.Exec(prog, argv, l.java.environ(withoutVar(os.Environ(), stageVar)))
	fail("cannot start %s: %v", prog, err)
}

// prepare locates the distribution and Java, checks the jar and sets the JVM options.
func prepare(argv []string) launch {
	self := executable(argv[0])
	home := filepath.Dir(filepath.Dir(self))
	l := launch{self: self, jar: filepath.Join(home, "lib", name+".jar"), args: argv[1:]}

	j, tried := findJava(home)
	if j.bin == "" {
		fail("Java %d or later is required but was not found (%s); install it or set JAVA_HOME", minJava, tried)
	}
	l.java = j

	if info, err := os.Stat(l.jar); err != nil || !info.Mode().IsRegular() {
		fail("%s is missing; reinstall the distribution", l.jar)
	}
	digest, err := sha256Of(l.jar)
	if err != nil {
		fail("cannot compute the SHA-256 of %s: %v", l.jar, err)
	}
	if digest != jarSHA256 {
		fail("refusing to start: %s has SHA-256 %s, but this launcher was built for %s; reinstall the distribution", l.jar, digest, jarSHA256)
	}
	l.digest = digest
	l.opts = jvmOptions(j.major, len(l.args) > 0 && l.args[0] == "demo")
	return l
}

// executable is this program's path with symbolic links resolved: from /proc/self/exe, or
// without /proc from argv[0].
func executable(arg0 string) string {
	if self, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			return resolved
		}
	}
	if !strings.Contains(arg0, "/") {
		fail("start the launcher by its path, not through PATH (%s)", arg0)
	}
	abs, err := filepath.Abs(arg0)
	if err != nil {
		fail("cannot resolve the launcher's path %s", arg0)
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err != nil {
		fail("cannot resolve the launcher's path %s", arg0)
	}
	return resolved
}

func sha256Of(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// jvmOptions are the shell launcher's JVM options (see there for -Xms8m).
// Small footprint and fast start; unified logging
// and VM output go to stderr, since the JVM's default, stdout, would corrupt the handshake line.
// From Java 25 Netty keeps using sun.misc.Unsafe only when allowed (see the shell launcher), and
// the demo keeps the optimising compiler for its in-memory KMS's RSA key generation.
func jvmOptions(major int, demo bool) []string {
	var opts []string
	if !demo {
		opts = append(opts, "-XX:TieredStopAtLevel=1")
	}
	opts = append(opts, "-XX:+UseSerialGC", "-Xms8m", "-Xmx128m", "-XX:+ExitOnOutOfMemoryError",
		"-XX:-UsePerfData", "-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:+DisplayVMOutputToStderr")
	if major >= 25 {
		opts = append(opts, "--sun-misc-unsafe-memory-access=allow")
	}
	return opts
}

// splitOpts splits an option list at blanks, as the shell splits an unquoted variable.
func splitOpts(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
}

func concat(lists ...[]string) []string {
	var out []string
	for _, list := range lists {
		out = append(out, list...)
	}
	return out
}
