package vmbackend

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"time"
)

// qmp runs one QEMU Machine Protocol command on the VM's control socket:
// greeting, qmp_capabilities, the command, its answer (events are skipped).
func qmp(ctx context.Context, socket, command string, args any) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return nil, fmt.Errorf("qmp %s: %w", command, err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	r := bufio.NewReader(c)
	if _, err := r.ReadBytes('\n'); err != nil { // greeting
		return nil, fmt.Errorf("qmp greeting: %w", err)
	}
	call := func(cmd string, a any) (json.RawMessage, error) {
		req := map[string]any{"execute": cmd}
		if a != nil {
			req["arguments"] = a
		}
		b, _ := json.Marshal(req)
		if _, err := c.Write(append(b, '\n')); err != nil {
			return nil, err
		}
		for {
			line, err := r.ReadBytes('\n')
			if err != nil {
				return nil, err
			}
			var resp struct {
				Return json.RawMessage `json:"return"`
				Error  *struct {
					Class string `json:"class"`
					Desc  string `json:"desc"`
				} `json:"error"`
				Event string `json:"event"`
			}
			if err := json.Unmarshal(line, &resp); err != nil {
				return nil, fmt.Errorf("qmp answer %q: %w", line, err)
			}
			switch {
			case resp.Event != "":
				continue
			case resp.Error != nil:
				return nil, fmt.Errorf("%s: %s", resp.Error.Class, resp.Error.Desc)
			default:
				return resp.Return, nil
			}
		}
	}
	if _, err := call("qmp_capabilities", nil); err != nil {
		return nil, fmt.Errorf("qmp_capabilities: %w", err)
	}
	out, err := call(command, args)
	if err != nil {
		return nil, fmt.Errorf("qmp %s: %w", command, err)
	}
	return out, nil
}
