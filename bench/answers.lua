-- wrk script: every request POSTs a fresh answer (a replayed answer would be cheap by design).
-- Each line of the file: cookie <TAB> csrf token <TAB> path <TAB> body. Threads take every n-th line.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local file, total = args[1], tonumber(args[2])
  local i = 0
  for line in io.lines(file) do
    if i % total == id then
      local cookie, csrf, path, body = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)")
      table.insert(requests, wrk.format("POST", path, {
        ["Cookie"] = cookie, ["X-CSRFToken"] = csrf, ["HX-Request"] = "true",
        ["Content-Type"] = "application/x-www-form-urlencoded", ["Referer"] = "http://127.0.0.1/",
      }, body))
    end
    i = i + 1
  end
end

function request()
  counter = counter + 1
  if counter > #requests then
    -- Out of fresh answers: stop measuring this thread rather than replay.
    wrk.thread:stop()
    return requests[#requests]
  end
  return requests[counter]
end
