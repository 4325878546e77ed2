package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A class-data archive (AppCDS up to JDK 24, AOT cache from JDK 25) is valid only for one JDK build
// and one jar, so it is made on this machine, per JDK: the first start launched by SPIRE trains one
// in the background (without delaying that start), and later starts use it. Nothing is written
// where the cache directory is not writable. The shell launcher forks a subshell twice for the
// training; a Go program cannot fork without exec, so this launcher starts itself twice instead,
// with stageVar saying what it is to do: the first copy starts the trainer and exits at once, so
// that the trainer is not a child of the plugin's JVM.
const (
	stageVar   = "SPIRE_AWS_KMS_KEYMANAGER_LAUNCHER_STAGE"
	stageSpawn = "spawn-trainer"
	stageTrain = "train"
)

// archivePlan is where the archive of this JDK and jar lives and the options that make and use it.
// Up to JDK 24 the archive is a dynamic one on top of the JDK's own base archive
// (lib/server/classes.jsa); a runtime without a base archive, like the self-contained
// distribution's, gets a static archive of the JDK's classes and the plugin's, dumped from the
// class list of a training run: trainOpt is then empty.
type archivePlan struct {
	dir, archive                string
	useOpt, trainOpt, strictOpt string
}

func cacheDir() string {
	dir := os.Getenv(envPrefix + "CACHE_DIR")
	if dir == "" {
		if xdg := os.Getenv("XDG_CACHE_HOME"); xdg != "" {
			dir = xdg + "/" + name
		} else if home := os.Getenv("HOME"); home != "" && home != "/" {
			dir = home + "/.cache/" + name
		} else {
			return "off"
		}
	}
	if !strings.HasPrefix(dir, "/") {
		return "off"
	}
	return dir
}

// plan gives the archive for this launch, or false when the cache is off. The file name is the
// shell launcher's, so both launchers share one archive.
func (l launch) plan() (archivePlan, bool) {
	dir := cacheDir()
	if dir == "off" {
		return archivePlan{}, false
	}
	key := cksum([]byte(l.java.home + "\n" + l.java.runtime + "\n" + l.jar + "\n" + l.digest + "\n"))
	base := dir + "/" + name + "-java" + strconv.Itoa(l.java.major) + "-" + strconv.FormatUint(uint64(key), 10)
	if l.java.major >= 25 {
		return archivePlan{dir, base + ".aot", "-XX:AOTCache=", "-XX:AOTCacheOutput=", "-XX:AOTMode=on"}, true
	}
	trainOpt := ""
	if info, err := os.Stat(l.java.home + "/lib/server/classes.jsa"); err == nil && info.Mode().IsRegular() {
		trainOpt = "-XX:ArchiveClassesAtExit="
	}
	return archivePlan{dir, base + ".jsa", "-XX:SharedArchiveFile=", trainOpt, "-Xshare:on"}, true
}

func ownedByMe(path string) bool {
	info, err := os.Stat(path)
	if err != nil {
		return false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// archive returns the option that uses an existing archive, or starts the background training
// when there is none yet and SPIRE (its handshake cookie in the environment) started this launch.
// An archive shapes the classes the JVM runs, so only files this user owns, in a directory this
// user owns, are used.
func (l launch) archive() []string {
	p, ok := l.plan()
	if !ok {
		return nil
	}
	if info, err := os.Stat(p.archive); err == nil {
		if info.Mode().IsRegular() && ownedByMe(p.archive) && ownedByMe(p.dir) {
			return []string{p.useOpt + p.archive}
		}
		return nil
	}
	if os.Getenv("KeyManager") == "KeyManager" && makeCacheDir(p.dir) && ownedByMe(p.dir) &&
		syscall.Access(p.dir, 2) == nil {
		l.startStage(stageSpawn, "", nil)
	}
	return nil
}

// makeCacheDir is mkdir -p -m 700: parents as the umask allows, the directory itself 0700.
func makeCacheDir(dir string) bool {
	if info, err := os.Stat(dir); err == nil {
		return info.IsDir()
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o777); err != nil {
		return false
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return false
	}
	return os.Chmod(dir, 0o700) == nil
}

// startStage starts this launcher again at stage, with the same arguments and environment, in dir
// (when not empty) with stdout and stderr to out (when not nil; else to /dev/null), and, for the
// spawner, waits for it: it exits as soon as it has started the trainer.
func (l launch) startStage(stage, dir string, out *os.File) {
	cmd := exec.Command(l.self, l.args...)
	cmd.Env = append(withoutVar(os.Environ(), stageVar), stageVar+"="+stage)
	cmd.Dir = dir
	if out != nil {
		cmd.Stdout, cmd.Stderr = out, out
	}
	if stage == stageSpawn {
		_ = cmd.Run()
	} else {
		_ = cmd.Start()
	}
}

// spawnTrainer is the middle process: it starts the trainer, with its output in a log next to
// the archive, and exits.
func (l launch) spawnTrainer() {
	p, ok := l.plan()
	if !ok {
		return
	}
	log, err := os.OpenFile(p.archive+".log", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return
	}
	defer log.Close()
	if err := os.Chdir(p.dir); err != nil {
		fmt.Fprintf(log, "cannot enter %s: %v\n", p.dir, err)
		return
	}
	l.startStage(stageTrain, p.dir, log)
}

// train serves once, prints the handshake, stops in order; the JVM writes the archive at exit, or,
// without a base archive, records the classes it loaded, from which a second JVM dumps a static
// archive. A strict start checks the archive before it is put in place, because a truncated archive
// can crash the JVM at start. Archives unused for 30 days are removed. As in the shell launcher, the
// training run and the dump run at nice 10, the check does not; the training run's stdout, its
// handshake line, goes to /dev/null, the rest of the output to the log, which is this process's
// stdout and stderr.
func (l launch) train() {
	p, ok := l.plan()
	if !ok {
		return
	}
	tmp := p.archive + "." + strconv.Itoa(os.Getpid()) + ".tmp"
	base := l.java.environ(withoutVar(os.Environ(), stageVar))
	training := append(withoutVar(base, envPrefix+"TRAINING_RUN"), envPrefix+"TRAINING_RUN=1")
	var trained bool
	if p.trainOpt != "" {
		trained = l.runJava(training, false, true, p.trainOpt+tmp, "-jar", l.jar)
	} else {
		trained = l.runJava(training, false, true, "-XX:DumpLoadedClassList="+tmp+".classes", "-jar", l.jar) &&
			l.runJava(base, true, true, "-Xshare:dump", "-XX:SharedClassListFile="+tmp+".classes", p.useOpt+tmp, "-cp", l.jar)
	}
	_ = os.Remove(tmp + ".classes")
	if !trained || !l.runJava(base, true, false, p.useOpt+tmp, p.strictOpt, "-cp", l.jar, "-version") ||
		os.Rename(tmp, p.archive) != nil {
		fmt.Println("training failed; the plugin runs without a class-data archive")
		_ = os.Remove(tmp)
	}
	removeStale(p.dir, time.Now())
}

// runJava runs the JVM with the launch's options, -XX:+ErrorFileToStderr and opts, in env, with
// stderr to this process's stderr and stdout to its stdout when toLog (else to /dev/null), at nice
// 10 when niced, and tells whether it exited with 0.
func (l launch) runJava(env []string, toLog, niced bool, opts ...string) bool {
	prog, argv := l.java.command(concat(l.opts, []string{"-XX:+ErrorFileToStderr"}, opts)...)
	cmd := exec.Command(prog)
	cmd.Args, cmd.Env, cmd.Stderr = argv, env, os.Stderr
	if toLog {
		cmd.Stdout = os.Stdout
	}
	if !niced {
		return cmd.Run() == nil
	}
	return startNiced(cmd) == nil && cmd.Wait() == nil
}

// startNiced starts cmd at 10 more than this process's niceness, capped at 19, as nice -n 10 does
// (which also runs the command when it cannot change the niceness).
// Linux keeps the niceness per thread and a child inherits its forking thread's, so cmd is forked
// from a thread of its own, niced, which ends with its goroutine (it stays locked), leaving the
// other threads, and the check run later, at the launcher's niceness.
func startNiced(cmd *exec.Cmd) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		tid := syscall.Gettid()
		// the raw getpriority gives 20 - niceness; like nice, start cmd even when this fails
		if prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, min(20-prio+10, 19))
		}
		started <- cmd.Start()
	}()
	return <-started
}

// removeStale removes the cache's files, archives and logs, last modified 31 days or more ago
// (find -mtime +30).
func removeStale(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), name+"-java") || e.IsDir() {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) >= 31*24*time.Hour {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
