// Command pulumi-language-python is the Python language host the Pulumi engine starts for every
// `runtime: python` project: it runs the program under upstream's exec shim and reports the result.
//
// Upstream's host (module github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is
// published untagged, and the Go module proxy our machines reach does not serve it at any version,
// so this host is built from the same pinned sdk/v3 instead: the sdk's python/toolchain package
// does the virtualenv, pip, poetry and uv work exactly as upstream's host uses it, and upstream's
// own `pulumi-language-python-exec` shim (copied beside this binary at build time) runs the
// program. What it leaves out is code generation (`pulumi convert`, `pulumi package`), which
// answers Unimplemented.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

const (
	// The shim upstream ships beside its host; it turns command-line flags into pulumi.runtime settings.
	execShimSuffix = "-exec"
	// The exit code the shim uses after it has already shown the user an actionable error.
	exitAfterUserMessage = 32
	// How often the engine's health is checked (upstream: 5 minutes; see watchEngine).
	engineHealthInterval = 2 * time.Second
	// How long a cancelled program has between SIGINT and a kill (upstream's WaitDelay).
	programStopDelay = 5 * time.Second
)

func main() {
	stopOnInterrupt()
	// Our stdout and stderr are pipes to the engine: once it is gone, Go would let the first write to
	// them (the notice that it is gone) kill the host with SIGPIPE, before the host stops its program.
	signal.Ignore(syscall.SIGPIPE)
	tracing := flag.String("tracing", "", "emit tracing to a Zipkin-compatible endpoint")
	showVersion := flag.Bool("version", false, "print the plugin's version and exit")
	flag.String("root", "", "the project's root directory (accepted for compatibility; the engine sends it per call)")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		os.Exit(0)
	}

	shim, err := execShim()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	host := newPythonHost(shim, *tracing)
	// Closed once the engine is gone: the server then stops and the host exits (see watchEngine).
	stop := make(chan bool)
	host.engineGone = func() {
		host.stopOnce.Do(func() {
			host.orphaned.Store(true)
			host.cancel()
			close(stop)
		})
	}
	if args := flag.Args(); len(args) > 0 {
		host.engineAddress = args[0]
		if err := host.watchEngine(args[0]); err != nil {
			fmt.Fprintf(os.Stderr, "could not start the health check of the engine: %v\n", err)
			os.Exit(1)
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start the language host's gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)
	go func() {
		// A graceful stop waits for a Run in flight, which ends once its program has (WaitDelay at most);
		// leave nothing to chance: an engine that is gone cannot be answered anyway.
		<-stop
		time.Sleep(programStopDelay + 2*time.Second)
		os.Exit(1)
	}()
	err = <-handle.Done
	// A program still running would outlive us: the server stops at once once the engine is gone, but
	// the program it started is ours to stop (it is in our process group, not the engine's).
	host.runs.Wait()
	if err != nil {
		fmt.Fprintf(os.Stderr, "the language host stopped serving: %v\n", err)
		os.Exit(1)
	}
}

// stopOnInterrupt makes SIGINT stop the host even when it was started with SIGINT ignored.
//
// The engine stops its language host with SIGINT and kills it only 5 s later. A process started in
// the background by a non-interactive shell (`cmd &`, nohup, some CI runners) inherits SIGINT
// ignored, and Go keeps it ignored, so every `pulumi` command would wait those 5 s. Asking for the
// signal undoes the inherited ignore; the host then exits as a process killed by SIGINT reports it
// (128 + 2), which is what it does by default. (signal.Reset would bring the inherited ignore back.)
func stopOnInterrupt() {
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	go func() {
		<-interrupts
		os.Exit(128 + int(syscall.SIGINT))
	}()
}

// execShim finds `pulumi-language-python-exec` next to the real (symlink-resolved) host binary.
func execShim() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot locate the language host binary: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	shim := strings.TrimSuffix(self, filepath.Ext(self)) + execShimSuffix
	if _, err := os.Stat(shim); err != nil {
		return "", fmt.Errorf("missing executor %s: it must sit beside the language host", shim)
	}
	return shim, nil
}

// pythonHost implements the engine's LanguageRuntime service for Python programs.
type pythonHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	shim    string
	tracing string

	// Cancelled by the engine's Cancel call, or once the engine is gone: stops a program still running.
	cancelCtx context.Context
	cancel    context.CancelFunc
	// Called once the engine stops answering its health check.
	engineGone func()
	stopOnce   sync.Once
	// Set once the engine is gone: a program still running is killed, not asked to stop (nobody can
	// hear how it ends, and a program with thousands of registrations in flight takes minutes to).
	orphaned atomic.Bool
	// The programs running, so that the host exits only after the last one has.
	runs sync.WaitGroup

	mu            sync.Mutex
	engineAddress string
	watching      bool
}

func newPythonHost(shim, tracing string) *pythonHost {
	ctx, cancel := context.WithCancel(context.Background())
	h := &pythonHost{shim: shim, tracing: tracing, cancelCtx: ctx, cancel: cancel}
	h.engineGone = cancel
	return h
}

// watchEngine health-checks the engine at address, as upstream's hosts do (rpcutil.Healthcheck), and calls
// engineGone once it stops answering. Upstream checks every 5 minutes; a killed `pulumi` (a CI runner's
// timeout, SIGKILL) would leave this host, and the program it runs, alive that long, so it checks often.
func (h *pythonHost) watchEngine(address string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.watching || address == "" {
		return nil
	}
	gone, cancel := context.WithCancel(context.Background())
	if err := rpcutil.Healthcheck(gone, address, engineHealthInterval, cancel); err != nil {
		cancel()
		return err
	}
	h.watching = true
	go func() {
		<-gone.Done()
		h.engineGone() // first: the notice below goes to the dead engine's pipe
		fmt.Fprintf(os.Stderr, "the Pulumi engine at %s is gone: stopping the language host\n", address)
	}()
	return nil
}

func (h *pythonHost) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.GetEngineAddress()
	h.mu.Unlock()
	if err := h.watchEngine(req.GetEngineAddress()); err != nil {
		return nil, fmt.Errorf("could not start health check host RPC server: %w", err)
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *pythonHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

// GetRequiredPlugins: a program that uses only the SDK (and dynamic providers) needs no plugin download.
func (h *pythonHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *pythonHost) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *pythonHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Run executes the program with the project's Python (its virtualenv or toolchain) under the exec shim.
//
// The command line and environment are upstream's (constructArguments, constructConfig and
// constructConfigSecretKeys in sdk/python/cmd/pulumi-language-python/main.go): PULUMI_CONFIG is set
// only when the stack has config (the SDK reads a missing variable as no config, but `null` breaks it),
// PULUMI_CONFIG_SECRET_KEYS is always a JSON list.
func (h *pythonHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	tc, options, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}
	env, err := programEnvironment(req)
	if err != nil {
		return nil, err
	}
	if options.Typechecker != toolchain.TypeCheckerNone {
		if err := typecheck(ctx, tc, options, req.GetInfo().GetProgramDirectory()); err != nil {
			return nil, err
		}
	}

	// Stopped by the engine's Cancel call, once the engine is gone, or when the call itself ends.
	h.runs.Add(1)
	defer h.runs.Done()
	runCtx, stopProgram := context.WithCancel(h.cancelCtx)
	defer stopProgram()
	context.AfterFunc(ctx, stopProgram)
	cmd, err := tc.Command(runCtx, append([]string{h.shim}, h.shimArguments(req)...)...)
	if err != nil {
		return nil, err
	}
	cmd.Cancel = func() error {
		if h.orphaned.Load() {
			return cmd.Process.Kill()
		}
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = programStopDelay
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Dir = req.GetPwd()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	if err := cmd.Run(); err != nil {
		// Python does not flush its streams when it exits abnormally; make sure the engine sees what it wrote.
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			switch exit.ExitCode() {
			case exitAfterUserMessage:
				return &pulumirpc.RunResponse{Bail: true}, nil
			case 0:
				return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited unexpectedly: %v", exit)}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("program exited with non-zero exit code: %d", exit.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("problem executing program (could not run language executor): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// programEnvironment is what the program's environment gets besides the host's: the stack config and
// the names of its secret keys, built exactly as upstream's host builds them.
func programEnvironment(req *pulumirpc.RunRequest) ([]string, error) {
	var env []string
	if config := req.GetConfig(); config != nil {
		text, err := json.Marshal(config)
		if err != nil {
			return nil, fmt.Errorf("failed to serialize configuration: %w", err)
		}
		env = append(env, "PULUMI_CONFIG="+string(text))
	}
	secretKeys := "[]"
	if keys := req.GetConfigSecretKeys(); keys != nil {
		text, err := json.Marshal(keys)
		if err != nil {
			return nil, fmt.Errorf("failed to serialize configuration secret keys: %w", err)
		}
		secretKeys = string(text)
	}
	return append(env, "PULUMI_CONFIG_SECRET_KEYS="+secretKeys), nil
}

// shimArguments turns a RunRequest into the exec shim's command line, as upstream's host does.
func (h *pythonHost) shimArguments(req *pulumirpc.RunRequest) []string {
	var args []string
	add := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engine())
	add("project", req.GetProject())
	add("root_directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	add("organization", req.GetOrganization())

	// The engine always names an entry point, "." for the program directory; older engines used Program.
	program := req.GetInfo().GetEntryPoint()
	if program == "" {
		program = req.GetProgram()
	}
	if program == "" {
		program = "."
	}
	return append(append(args, program), req.GetArgs()...)
}

func (h *pythonHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	tc, _, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return err
	}
	stdout := streamWriter(func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b})
	})
	stderr := streamWriter(func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b})
	})
	directory := req.GetDirectory()
	if directory == "" {
		directory = req.GetInfo().GetProgramDirectory()
	}
	return tc.InstallDependencies(server.Context(), directory, req.GetUseLanguageVersionTools(), true, stdout, stderr)
}

func (h *pythonHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, _, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	info, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: info.PythonExecutable, Version: info.PythonVersion.String()}, nil
}

func (h *pythonHost) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	tc, _, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	packages, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	result := make([]*pulumirpc.DependencyInfo, 0, len(packages))
	for _, p := range packages {
		result = append(result, &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: result}, nil
}

func (h *pythonHost) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *pythonHost) Template(context.Context, *pulumirpc.TemplateRequest) (*pulumirpc.TemplateResponse, error) {
	return &pulumirpc.TemplateResponse{}, nil
}

// Cancel stops a program still running (SIGINT, then a kill after programStopDelay), as upstream's host does.
func (h *pythonHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

func (h *pythonHost) GenerateProgram(context.Context, *pulumirpc.GenerateProgramRequest,
) (*pulumirpc.GenerateProgramResponse, error) {
	return nil, status.Error(codes.Unimplemented, "this build of the Python language host does no code generation")
}

// resolveToolchain reads the project's runtime options (virtualenv, toolchain, typechecker).
func resolveToolchain(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, toolchain.PythonOptions, error) {
	options := toolchain.PythonOptions{
		Root:       info.GetRootDirectory(),
		ProgramDir: info.GetProgramDirectory(),
		Toolchain:  toolchain.Auto,
	}
	fields := info.GetOptions().GetFields()
	text := func(key string) string {
		if value, ok := fields[key]; ok {
			if s, ok := value.GetKind().(*structpb.Value_StringValue); ok {
				return s.StringValue
			}
		}
		return ""
	}
	options.Virtualenv = text("virtualenv")
	if options.Virtualenv != "" && !filepath.IsAbs(options.Virtualenv) {
		options.Virtualenv = filepath.Join(options.Root, options.Virtualenv)
	}
	switch name := text("toolchain"); name {
	case "", "auto":
	case "pip":
		options.Toolchain = toolchain.Pip
	case "poetry":
		options.Toolchain = toolchain.Poetry
	case "uv":
		options.Toolchain = toolchain.Uv
	default:
		return nil, options, fmt.Errorf("unsupported Python toolchain %q (pip, poetry or uv)", name)
	}
	switch name := text("typechecker"); name {
	case "":
	case "mypy":
		options.Typechecker = toolchain.TypeCheckerMypy
	case "pyright":
		options.Typechecker = toolchain.TypeCheckerPyright
	default:
		return nil, options, fmt.Errorf("unsupported Python typechecker %q (mypy or pyright)", name)
	}
	tc, err := toolchain.ResolveToolchain(options)
	return tc, options, err
}

// typecheck runs the project's type checker over the program directory before the program, as upstream's
// host does: mypy leaves the virtualenv out, a checker that is not installed says how to install it, and a
// failure carries the checker's output.
func typecheck(ctx context.Context, tc toolchain.Toolchain, options toolchain.PythonOptions, programDir string) error {
	checker := "mypy"
	if options.Typechecker == toolchain.TypeCheckerPyright {
		checker = "pyright"
	}
	args := []string{"-m", checker}
	if checker == "mypy" {
		venv, err := tc.VirtualEnvPath(ctx)
		if err != nil {
			return err
		}
		relative, err := filepath.Rel(programDir, venv)
		if err != nil {
			return err
		}
		args = append(args, "--exclude", relative)
	}
	args = append(args, programDir)
	packages, err := tc.ListPackages(ctx, true)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(packages, func(p plugin.DependencyInfo) bool { return p.Name == checker }) {
		install := fmt.Sprintf("Please install it using `poetry add %s`.", checker)
		if options.Toolchain != toolchain.Poetry {
			install = fmt.Sprintf("Please add an entry for %s to requirements.txt and run `%s`", checker,
				options.Virtualenv+"/bin/pip install -r requirements.txt")
		}
		return fmt.Errorf("The typechecker option is set to %s, but %s is not installed. %s", checker, checker, install)
	}
	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return err
	}
	var output bytes.Buffer
	cmd.Dir = programDir
	cmd.Stdout, cmd.Stderr = io.MultiWriter(os.Stdout, &output), io.MultiWriter(os.Stderr, &output)
	if err := cmd.Run(); err != nil {
		if output.Len() > 0 {
			return fmt.Errorf("%s failed: %w\n%s", checker, err, output.String())
		}
		return fmt.Errorf("%s failed: %w", checker, err)
	}
	return nil
}

// streamWriter sends everything written to it as one message each.
type streamWriter func([]byte) error

func (w streamWriter) Write(p []byte) (int, error) {
	if err := w(bytes.Clone(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

var _ io.Writer = streamWriter(nil)
