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
	"strings"
	"sync"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

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
)

func main() {
	stopOnInterrupt()
	tracing := flag.String("tracing", "", "emit tracing to a Zipkin-compatible endpoint")
	flag.String("root", "", "the project's root directory (accepted for compatibility; the engine sends it per call)")
	flag.Parse()

	shim, err := execShim()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	host := &pythonHost{shim: shim, tracing: *tracing}
	if args := flag.Args(); len(args) > 0 {
		host.engineAddress = args[0]
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
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
	if err := <-handle.Done; err != nil {
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

	mu            sync.Mutex
	engineAddress string
}

func (h *pythonHost) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
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
func (h *pythonHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	tc, options, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if options.Typechecker != toolchain.TypeCheckerNone {
		if message, bail := typecheck(ctx, tc, options); message != "" {
			return &pulumirpc.RunResponse{Error: message, Bail: bail}, nil
		}
	}

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, fmt.Errorf("cannot serialise the stack config: %w", err)
	}
	secretKeys, err := json.Marshal(nonNil(req.GetConfigSecretKeys()))
	if err != nil {
		return nil, fmt.Errorf("cannot serialise the stack's secret config keys: %w", err)
	}

	cmd, err := tc.Command(ctx, append([]string{"-u", h.shim}, h.shimArguments(req)...)...)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	cmd.Dir = req.GetPwd()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == exitAfterUserMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
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
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root_directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", fmt.Sprintf("%v", req.GetDryRun()))
	add("parallel", fmt.Sprint(req.GetParallel()))
	add("tracing", h.tracing)

	program := req.GetProgram()
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

func (h *pythonHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
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

// typecheck runs the project's configured type checker over the program directory before the program.
func typecheck(ctx context.Context, tc toolchain.Toolchain, options toolchain.PythonOptions) (string, bool) {
	module := "mypy"
	if options.Typechecker == toolchain.TypeCheckerPyright {
		module = "pyright"
	}
	cmd, err := tc.ModuleCommand(ctx, module, options.ProgramDir)
	if err != nil {
		return err.Error(), false
	}
	cmd.Dir = options.ProgramDir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Sprintf("%s type checking failed: %v", module, err), false
	}
	return "", false
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

func nonNil(values []string) []string {
	if values == nil {
		return []string{}
	}
	return values
}
