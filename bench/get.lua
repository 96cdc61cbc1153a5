-- wrk script: GET one page with a logged-in session cookie (passed as args[1]).
function init(args)
  wrk.headers["Cookie"] = args[1]
end
