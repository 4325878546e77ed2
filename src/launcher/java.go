package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

const minJava = 17

// java is the JVM the launcher starts: a bundled runtime, JAVA_HOME's or the one on PATH.
type java struct {
	bin     string // bin/java
	home    string // the home as the shell launcher names it (part of the archive key)
	major   int
	runtime string // JAVA_RUNTIME_VERSION, or the version the JVM printed
	// loader is the bundled dynamic loader of a self-contained distribution, and libs the
	// directory of the C library it loads; empty when the JVM runs on the system's C library.
	loader string
	libs   string
}

// loaderName is the file name of glibc's dynamic loader on this architecture.
func loaderName() string {
	if runtime.GOARCH == "arm64" {
		return "ld-linux-aarch64.so.1"
	}
	return "ld-linux-x86-64.so.2"
}

// command gives the program to execute and its argv for running the JVM with args. Through the
// bundled loader, argv[0] of the JVM is still its bin/java, so that the process looks like java.
func (j java) command(args ...string) (string, []string) {
	if j.loader == "" {
		return j.bin, append([]string{j.bin}, args...)
	}
	argv := []string{j.loader, "--library-path", j.libs, "--argv0", j.bin, j.bin}
	return j.loader, append(argv, args...)
}

// environ adapts the environment for this JVM. The JDK's launcher restarts itself when
// LD_LIBRARY_PATH is set, and through the bundled loader that restart would start the loader
// without its arguments; the bundled C library must not load the system's libraries either.
func (j java) environ(env []string) []string {
	if j.loader == "" {
		return env
	}
	return withoutVar(env, "LD_LIBRARY_PATH")
}

// readRelease reads JAVA_VERSION and JAVA_RUNTIME_VERSION from a JDK's release file, without
// starting a JVM.
func readRelease(home string) (version, runtimeVersion string, ok bool) {
	f, err := os.Open(filepath.Join(home, "release"))
	if err != nil {
		return "", "", false
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := lines.Text()
		if v, found := strings.CutPrefix(line, "JAVA_VERSION="); found {
			version = strings.Trim(v, `"`)
		} else if v, found := strings.CutPrefix(line, "JAVA_RUNTIME_VERSION="); found {
			runtimeVersion = strings.Trim(v, `"`)
		}
	}
	return version, runtimeVersion, version != ""
}

// majorOf gives the feature release of a version string such as 17.0.15 or 25+36.
func majorOf(version string) (int, bool) {
	end := strings.IndexAny(version, ".+-")
	if end < 0 {
		end = len(version)
	}
	digits := version[:end]
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	major, err := strconv.Atoi(digits)
	return major, err == nil
}

// probe fills in the version of j from its home's release file, or else from the JVM's own
// -version output (slower, rare).
func (j *java) probe() bool {
	version, runtimeVersion, ok := readRelease(j.home)
	if !ok {
		prog, argv := j.command("-version")
		cmd := exec.Command(prog)
		cmd.Args = argv
		cmd.Env = j.environ(os.Environ())
		out, err := cmd.CombinedOutput()
		if err != nil {
			return false
		}
		_, after, found := strings.Cut(string(out), `version "`)
		if !found {
			return false
		}
		version, _, _ = strings.Cut(after, `"`)
		runtimeVersion = version
	}
	major, ok := majorOf(version)
	if !ok {
		return false
	}
	j.major, j.runtime = major, runtimeVersion
	return true
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && syscall.Access(path, 1) == nil
}

// findJava picks the JVM: the runtime bundled in home, else Java 17 or later from JAVA_HOME, else
// from PATH, as the shell launcher does. It returns what was tried when none fits.
func findJava(home string) (java, string) {
	var tried []string

	bundled := filepath.Join(home, "runtime")
	if info, err := os.Stat(bundled); err == nil && info.IsDir() {
		j := java{bin: filepath.Join(bundled, "bin", "java"), home: bundled}
		loader := filepath.Join(bundled, "glibc", loaderName())
		if isExecutable(loader) {
			j.loader, j.libs = loader, filepath.Dir(loader)
		}
		if info, err := os.Stat(j.bin); err == nil && info.Mode().IsRegular() && j.probe() {
			if j.major >= minJava {
				return j, ""
			}
			tried = append(tried, bundled+" is Java "+strconv.Itoa(j.major))
		} else {
			tried = append(tried, bundled+" has no usable bin/java")
		}
	} else {
		tried = append(tried, "no runtime in "+bundled)
	}

	if javaHome := os.Getenv("JAVA_HOME"); javaHome != "" {
		j := java{bin: javaHome + "/bin/java", home: javaHome}
		if isExecutable(j.bin) && j.probe() {
			if j.major >= minJava {
				return j, ""
			}
			tried = append(tried, "JAVA_HOME="+javaHome+" is Java "+strconv.Itoa(j.major))
		} else {
			tried = append(tried, "JAVA_HOME="+javaHome+" has no usable bin/java")
		}
	}

	onPath, err := exec.LookPath("java")
	if err != nil {
		tried = append(tried, "no java on PATH")
		return java{}, strings.Join(tried, "; ")
	}
	resolved, err := filepath.EvalSymlinks(onPath)
	if err != nil {
		resolved = onPath
	}
	j := java{bin: onPath, home: strings.TrimSuffix(resolved, "/bin/java")}
	if !j.probe() {
		tried = append(tried, "cannot tell the version of "+onPath+" on PATH")
	} else if j.major >= minJava {
		return j, ""
	} else {
		tried = append(tried, onPath+" on PATH is Java "+strconv.Itoa(j.major))
	}
	return java{}, strings.Join(tried, "; ")
}

// withoutVar returns env without the variable name.
func withoutVar(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
