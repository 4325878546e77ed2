package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestCksumMatchesPosixCksum(t *testing.T) {
	tool, err := exec.LookPath("cksum")
	if err != nil {
		t.Skip("no cksum on PATH to compare with")
	}
	for _, input := range []string{"", "a", "/opt/jdk\n17.0.15+6\n/opt/x/lib/x.jar\nabc\n", strings.Repeat("x", 70000)} {
		cmd := exec.Command(tool)
		cmd.Stdin = strings.NewReader(input)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Fields(string(out))[0]
		if got := strconv.FormatUint(uint64(cksum([]byte(input))), 10); got != want {
			t.Errorf("cksum of %d bytes: got %s, cksum printed %s", len(input), got, want)
		}
	}
}

func TestMajorOf(t *testing.T) {
	for version, want := range map[string]int{"17.0.15": 17, "25": 25, "25+36": 25, "21-ea": 21, "1.8.0_392": 1} {
		if got, ok := majorOf(version); !ok || got != want {
			t.Errorf("majorOf(%q) = %d, %v; want %d", version, got, ok, want)
		}
	}
	for _, version := range []string{"", "x17", ".17"} {
		if _, ok := majorOf(version); ok {
			t.Errorf("majorOf(%q) accepted", version)
		}
	}
}

func TestSplitOptsSplitsAtBlanksOnly(t *testing.T) {
	got := splitOpts(" -Da=1\t-Xmx2m\n\n-Db=x,y ")
	want := []string{"-Da=1", "-Xmx2m", "-Db=x,y"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q", got)
	}
}

func TestRemoveStaleKeepsRecentAndForeignFiles(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	files := map[string]time.Duration{
		name + "-java17-1.jsa":     32 * 24 * time.Hour,
		name + "-java17-1.jsa.log": 31*24*time.Hour + time.Minute,
		name + "-java17-2.jsa":     30 * 24 * time.Hour,
		"other.jsa":                90 * 24 * time.Hour,
	}
	for file, age := range files {
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	removeStale(dir, now)
	for file, age := range files {
		_, err := os.Stat(filepath.Join(dir, file))
		gone := os.IsNotExist(err)
		wantGone := strings.HasPrefix(file, name) && age >= 31*24*time.Hour
		if gone != wantGone {
			t.Errorf("%s (%v old): removed %v, want %v", file, age, gone, wantGone)
		}
	}
}

// --- the built launcher, on a distribution whose JVM and loader are scripts that record their
// arguments -------------------------------------------------------------------------------------

const jarContent = "not really a jar"

var launcherBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "launcher-test")
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256([]byte(jarContent))
	launcherBin = filepath.Join(dir, name+"-static")
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-X main.jarSHA256="+hex.EncodeToString(sum[:]), "-o", launcherBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// recorder is a script that writes its arguments, one a line, and its environment to $0.args.
const recorder = `#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done >"$0.args"
env >"$0.env"
`

type dist struct{ home string }

func newDist(t *testing.T, withLoader bool) dist {
	home := filepath.Join(t.TempDir(), "dist")
	for _, d := range []string{"bin", "lib", "runtime/bin", "runtime/glibc"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(rel, content string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(home, rel), []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("lib/"+name+".jar", jarContent, 0o644)
	write("runtime/release", "JAVA_VERSION=\"17.0.15\"\nMODULES=\"java.base\"\n", 0o644)
	write("runtime/bin/java", recorder, 0o755)
	if withLoader {
		write("runtime/glibc/"+loaderName(), recorder, 0o755)
	}
	launcher, err := os.ReadFile(launcherBin)
	if err != nil {
		t.Fatal(err)
	}
	write("bin/"+name+"-static", string(launcher), 0o755)
	return dist{home}
}

type result struct {
	code           int
	stdout, stderr string
}

func (d dist) run(t *testing.T, env []string, args ...string) result {
	cmd := exec.Command(filepath.Join(d.home, "bin", name+"-static"), args...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=/nonexistent-home"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, stdout.String(), stderr.String()}
}

func lines(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func TestRefusesATamperedJarLikeTheShellLauncher(t *testing.T) {
	d := newDist(t, true)
	jar := filepath.Join(d.home, "lib", name+".jar")
	if err := os.WriteFile(jar, []byte(jarContent+"!"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := d.run(t, []string{"KeyManager=KeyManager"})
	pinned := sha256.Sum256([]byte(jarContent))
	actual := sha256.Sum256([]byte(jarContent + "!"))
	want := "[ERROR] " + name + ": refusing to start: " + jar + " has SHA-256 " + hex.EncodeToString(actual[:]) +
		", but this launcher was built for " + hex.EncodeToString(pinned[:]) + "; reinstall the distribution\n"
	if r.code != 1 || r.stdout != "" || r.stderr != want {
		t.Errorf("got exit %d, stdout %q, stderr %q; want exit 1, no stdout, stderr %q", r.code, r.stdout, r.stderr, want)
	}
	if _, err := os.Stat(filepath.Join(d.home, "runtime", "glibc", loaderName()+".args")); err == nil {
		t.Error("the JVM was started")
	}
}

func TestMissingJarAndMissingJava(t *testing.T) {
	d := newDist(t, false)
	jar := filepath.Join(d.home, "lib", name+".jar")
	os.Remove(jar)
	r := d.run(t, nil)
	if r.code != 1 || r.stdout != "" || r.stderr != "[ERROR] "+name+": "+jar+" is missing; reinstall the distribution\n" {
		t.Errorf("missing jar: %+v", r)
	}

	os.RemoveAll(filepath.Join(d.home, "runtime"))
	empty := t.TempDir()
	r = d.run(t, []string{"JAVA_HOME=" + empty, "PATH=" + empty})
	want := "[ERROR] " + name + ": Java 17 or later is required but was not found (no runtime in " +
		filepath.Join(d.home, "runtime") + "; JAVA_HOME=" + empty + " has no usable bin/java; no java on PATH); install it or set JAVA_HOME\n"
	if r.code != 1 || r.stdout != "" || r.stderr != want {
		t.Errorf("no java: got %+v, want stderr %q", r, want)
	}
}

func TestExecsTheBundledRuntimeThroughItsLoader(t *testing.T) {
	d := newDist(t, true)
	r := d.run(t, []string{"SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR=off", "LD_LIBRARY_PATH=/usr/lib",
		"SPIRE_AWS_KMS_KEYMANAGER_JAVA_OPTS=-Dx=1  -Dy=2"}, "version", "--flag")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("%+v", r)
	}
	loader := filepath.Join(d.home, "runtime", "glibc", loaderName())
	java := filepath.Join(d.home, "runtime", "bin", "java")
	want := []string{"--library-path", filepath.Dir(loader), "--argv0", java, java,
		"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms8m", "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData",
		"-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:+DisplayVMOutputToStderr",
		"-Dx=1", "-Dy=2", "-jar", filepath.Join(d.home, "lib", name+".jar"), "version", "--flag"}
	if got := lines(t, loader+".args"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("argv\n got %q\nwant %q", got, want)
	}
	for _, kv := range lines(t, loader+".env") {
		if strings.HasPrefix(kv, "LD_LIBRARY_PATH=") || strings.HasPrefix(kv, stageVar+"=") {
			t.Errorf("the JVM got %s", kv)
		}
	}
}

// trainingJVM stands in for the JVM of a training: it appends one line per start to $0.calls,
// with its niceness, whether it is the training run and its arguments, writes what its options ask
// for (the archive at exit, the class list, the archive dumped from the list) and prints a line
// naming the start, which fails when stdout is not open, as the plugin's handshake does.
const trainingJVM = `#!/bin/sh
nice=$(cut -d' ' -f19 /proc/$$/stat)
printf '%s %s %s\n' "$nice" "${SPIRE_AWS_KMS_KEYMANAGER_TRAINING_RUN:-0}" "$*" >>"$0.calls"
dump= list= out=
for a in "$@"; do
  case $a in
    -Xshare:dump) dump=dump ;;
    -XX:SharedClassListFile=*) list=${a#*=} ;;
    -XX:SharedArchiveFile=*) out=${a#*=} ;;
  esac
done
if [ -n "$dump" ]; then
  [ -s "$list" ] || { echo "no class list $list" >&2; exit 2; }
  cp "$list" "$out"
fi
for a in "$@"; do
  case $a in
    -XX:ArchiveClassesAtExit=*) echo dynamic >"${a#*=}" ;;
    -XX:DumpLoadedClassList=*) echo java/lang/Object >"${a#*=}" ;;
  esac
done
printf 'stdout of %s\n' "${dump:-start}" || exit 3
echo "stderr of a start" >&2
`

// trainAndUse lets the launcher train an archive on d, started as by SPIRE, waits for it and
// starts the launcher again; it returns the archive, the JVM's starts and the training log.
func trainAndUse(t *testing.T, d dist) (archive string, calls []string, log string) {
	java := filepath.Join(d.home, "runtime", "bin", "java")
	if err := os.WriteFile(java, []byte(trainingJVM), 0o755); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(t.TempDir(), "cache", name)
	env := []string{"SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR=" + cache, "KeyManager=KeyManager"}
	if r := d.run(t, env); r.code != 0 || r.stdout != "stdout of start\n" {
		t.Fatalf("%+v", r)
	}
	jar := filepath.Join(d.home, "lib", name+".jar")
	sum := sha256.Sum256([]byte(jarContent))
	key := cksum([]byte(filepath.Join(d.home, "runtime") + "\n\n" + jar + "\n" + hex.EncodeToString(sum[:]) + "\n"))
	archive = filepath.Join(cache, name+"-java17-"+strconv.FormatUint(uint64(key), 10)+".jsa")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(archive); err == nil {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(archive + ".log")
			t.Fatalf("no archive %s; log: %s", archive, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if info, err := os.Stat(cache); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("cache directory: %v %v", info, err)
	}
	// the archive is moved in place after the check, so all starts and the log are complete
	if r := d.run(t, env, "serve"); r.code != 0 || r.stdout != "stdout of start\n" {
		t.Fatalf("%+v", r)
	}
	calls = lines(t, java+".calls")
	data, err := os.ReadFile(archive + ".log")
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(cache)
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	if want := filepath.Base(archive) + " " + filepath.Base(archive) + ".log"; strings.Join(files, " ") != want {
		t.Errorf("cache holds %q, want %q (no class list, no temporary archive left)", files, want)
	}
	return archive, calls, string(data)
}

// niceness is this process's niceness and the one nice -n 10 gives.
func niceness(t *testing.T) (own, niced string) {
	prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(20 - prio), strconv.Itoa(min(20-prio+10, 19))
}

const jvmOpts = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms8m -Xmx128m -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData " +
	"-Xlog:disable -Xlog:all=warning:stderr -XX:+DisplayVMOutputToStderr"

// checkCalls compares the JVM's starts with want, with <tmp> for the temporary archive,
// <archive>.<pid>.tmp. The first start, want[0], runs beside the training, so its line may come at
// any place before the last.
func checkCalls(t *testing.T, archive string, got, want []string) {
	tmp := regexp.MustCompile(regexp.QuoteMeta(archive) + `\.[0-9]+\.tmp`)
	var rest []string
	first := false
	for _, call := range got {
		call = tmp.ReplaceAllString(call, "<tmp>")
		if call == want[0] && !first {
			first = true
		} else {
			rest = append(rest, call)
		}
	}
	if !first || strings.Join(rest, "\n") != strings.Join(want[1:], "\n") {
		t.Errorf("JVM starts\n got %q\nwant %q", got, want)
	}
}

func TestTrainsADynamicArchiveOnTopOfTheBaseArchiveAndUsesItNextTime(t *testing.T) {
	d := newDist(t, false)
	server := filepath.Join(d.home, "runtime", "lib", "server")
	if err := os.MkdirAll(server, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(server, "classes.jsa"), []byte("base"), 0o644); err != nil {
		t.Fatal(err)
	}
	archive, calls, log := trainAndUse(t, d)
	jar := filepath.Join(d.home, "lib", name+".jar")
	own, niced := niceness(t)
	checkCalls(t, archive, calls, []string{
		own + " 0 " + jvmOpts + " -jar " + jar,
		niced + " 1 " + jvmOpts + " -XX:+ErrorFileToStderr -XX:ArchiveClassesAtExit=<tmp> -jar " + jar,
		own + " 0 " + jvmOpts + " -XX:+ErrorFileToStderr -XX:SharedArchiveFile=<tmp> -Xshare:on -cp " + jar + " -version",
		own + " 0 " + jvmOpts + " -XX:SharedArchiveFile=" + archive + " -jar " + jar + " serve",
	})
	if data, _ := os.ReadFile(archive); string(data) != "dynamic\n" {
		t.Errorf("archive holds %q", data)
	}
	if want := "stderr of a start\nstdout of start\nstderr of a start\n"; log != want {
		t.Errorf("log %q, want %q", log, want)
	}
}

func TestTrainsAStaticArchiveWithoutABaseArchiveAndUsesItNextTime(t *testing.T) {
	d := newDist(t, false)
	archive, calls, log := trainAndUse(t, d)
	jar := filepath.Join(d.home, "lib", name+".jar")
	own, niced := niceness(t)
	checkCalls(t, archive, calls, []string{
		own + " 0 " + jvmOpts + " -jar " + jar,
		niced + " 1 " + jvmOpts + " -XX:+ErrorFileToStderr -XX:DumpLoadedClassList=<tmp>.classes -jar " + jar,
		niced + " 0 " + jvmOpts + " -XX:+ErrorFileToStderr -Xshare:dump -XX:SharedClassListFile=<tmp>.classes -XX:SharedArchiveFile=<tmp> -cp " + jar,
		own + " 0 " + jvmOpts + " -XX:+ErrorFileToStderr -XX:SharedArchiveFile=<tmp> -Xshare:on -cp " + jar + " -version",
		own + " 0 " + jvmOpts + " -XX:SharedArchiveFile=" + archive + " -jar " + jar + " serve",
	})
	if data, _ := os.ReadFile(archive); string(data) != "java/lang/Object\n" {
		t.Errorf("archive holds %q, not the dump of the class list", data)
	}
	want := "stderr of a start\nstdout of dump\nstderr of a start\nstdout of start\nstderr of a start\n"
	if log != want {
		t.Errorf("log %q, want %q", log, want)
	}
}

func TestAFailedDumpLeavesNoArchive(t *testing.T) {
	d := newDist(t, false)
	java := filepath.Join(d.home, "runtime", "bin", "java")
	// a JVM that records no class list: the dump finds none and fails
	script := strings.Replace(trainingJVM, `echo java/lang/Object >"${a#*=}"`, `:`, 1)
	if err := os.WriteFile(java, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(t.TempDir(), name)
	env := []string{"SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR=" + cache, "KeyManager=KeyManager"}
	if r := d.run(t, env); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	var log []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		matches, _ := filepath.Glob(filepath.Join(cache, "*.log"))
		if len(matches) == 1 {
			log, _ = os.ReadFile(matches[0])
			if strings.Contains(string(log), "training failed") {
				break
			}
		}
	}
	if !strings.HasSuffix(string(log), "training failed; the plugin runs without a class-data archive\n") {
		t.Fatalf("log %q", log)
	}
	entries, _ := os.ReadDir(cache)
	if len(entries) != 1 {
		t.Errorf("cache holds %v, want only the log", entries)
	}
	if calls := lines(t, java+".calls"); len(calls) != 3 || strings.Contains(strings.Join(calls, "\n"), "-version") {
		t.Errorf("JVM starts %q: want the start, the training run and the failed dump, no check", calls)
	}
}
